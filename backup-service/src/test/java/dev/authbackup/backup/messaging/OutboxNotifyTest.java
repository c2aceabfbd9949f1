package dev.authbackup.backup.messaging;

import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private static KafkaCompanion kafka;

    @BeforeAll
    static void setUp() {
        TestDatabase.truncateAll();
        kafka = TestKafka.companion();
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
    }

    @Test
    void aCommitWakesTheRelay() {
        TestIssuer.Token alice = TestIssuer.token();
        var records = TestKafka.readFromStart(kafka, "backup.events", Duration.ofSeconds(60));
        // Once the relay listens, its start-up rounds are behind it: with hourly polling, only a notification
        // can start the next one.
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND query = 'LISTEN outbox_event'""") > 0);
        create(alice, "ios", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.withKey(records, alice.accountId()).size() >= 1);
        update(alice, "ios", 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.withKey(records, alice.accountId()).size() >= 2);
        records.stop();
        assertEquals(List.of("backup.stored.v1", "backup.stored.v1"), TestKafka.typesWithKey(records, alice.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event"));
    }
}
