package dev.authbackup.backup.messaging;

import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TopicRecording;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay is woken by the commit itself (LISTEN/NOTIFY on {@code outbox_event}), not only by its polling:
 * with polling once an hour, events of later commits still reach Kafka within seconds.
 */
@QuarkusTest
@TestProfile(OutboxNotifyTest.HourlyPolling.class)
@WithTestResource(TestIssuer.class)
class OutboxNotifyTest {

    public static class HourlyPolling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("authbackup.outbox.poll-interval", "1h");
        }
    }

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("backup.events");

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void aCommitWakesTheRelay() {
        TestIssuer.Token alice = TestIssuer.token();
        // Once the relay listens, its start-up rounds are behind it: with hourly polling, only a notification
        // can start the next one.
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND query = 'LISTEN outbox_event'""") > 0);
        create(alice, "ios", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.withKey(alice.accountId()).size() >= 1);
        update(alice, "ios", 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.withKey(alice.accountId()).size() >= 2);
        assertEquals(List.of("backup.stored.v1", "backup.stored.v1"), EVENTS.typesWithKey(alice.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event"));
    }
}
