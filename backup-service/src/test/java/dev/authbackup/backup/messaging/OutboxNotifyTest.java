package dev.authbackup.backup.messaging;

import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.delete;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.common.outbox.OutboxRelay;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TopicRecording;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay is woken by the commit itself, not only by its polling: with polling once an hour, events of later
 * commits still reach Kafka within seconds. An upload (SQL-client transaction) wakes this process's relay when it
 * commits; a delete (ORM transaction) NOTIFYs {@code outbox_event}; and a relay that finds another replica's round
 * holding the lock tries again until it gets it.
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
        awaitStartUpRounds();
        create(alice, "ios", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.withKey(alice.accountId()).size() >= 1);
        update(alice, "ios", 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.withKey(alice.accountId()).size() >= 2);
        delete(alice, "ios").statusCode(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.withKey(alice.accountId()).size() >= 3);
        assertEquals(List.of("backup.stored.v1", "backup.stored.v1", "backup.deleted.v1"),
                EVENTS.typesWithKey(alice.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event"));
    }

    @Test
    void aRelayThatFindsTheLockTakenTriesAgain() throws Exception {
        TestIssuer.Token bob = TestIssuer.token();
        awaitStartUpRounds();
        try (Connection otherReplica = TestDatabase.session(); Statement statement = otherReplica.createStatement()) {
            // Another replica's relay round, as long as this session holds the relay lock.
            statement.execute("SELECT pg_advisory_lock(" + OutboxRelay.RELAY_LOCK + ")");
            create(bob, "android", 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> TestDatabase.count("SELECT count(*) FROM outbox_event WHERE message_key = ?",
                            bob.accountId()) == 1);
            statement.execute("SELECT pg_advisory_unlock(" + OutboxRelay.RELAY_LOCK + ")");
            // The round that woke at the commit found the lock taken; with hourly polling only its retries remain.
            await().atMost(Duration.ofSeconds(10)).until(() -> EVENTS.withKey(bob.accountId()).size() >= 1);
        }
        assertEquals(List.of("backup.stored.v1"), EVENTS.typesWithKey(bob.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event"));
    }

    /** Once the relay listens, its start-up rounds are behind it: with hourly polling, only a wake-up starts the next. */
    private static void awaitStartUpRounds() {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND query = 'LISTEN outbox_event'""") > 0);
    }
}
