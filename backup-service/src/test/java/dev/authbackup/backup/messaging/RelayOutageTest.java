package dev.authbackup.backup.messaging;

import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.delete;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.common.outbox.OutboxRelay;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TopicRecording;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service commits state changes while its relay is down (crashed between commit and relay): the
 * events wait in the outbox, and the relay that comes back delivers every one of them once, in order; its
 * {@code authbackup.outbox.relay.delay} counts each event's wait from its state change.
 */
@QuarkusTest
@TestProfile(RelayOutageTest.RelayDown.class)
@WithTestResource(TestIssuer.class)
class RelayOutageTest {

    /** The relay does not start with the service; the test runs its rounds itself, as a restarted one would. */
    public static class RelayDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("authbackup.outbox.enabled", "false");
        }
    }

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("backup.events");

    @Inject
    OutboxRelay relay;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void eventsCommittedWhileTheRelayWasDownAreDeliveredOnceWhenItComesBack() {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 1);
        update(alice, "ios", 1, 2);
        delete(alice, "ios").statusCode(204);
        assertEquals(3, TestDatabase.count("SELECT count(*) FROM outbox_event WHERE message_key = ?",
                alice.accountId()));
        // Nothing reaches the broker while the relay is down: the events are only in the outbox.
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> EVENTS.withKey(alice.accountId()).isEmpty());

        Timer relayDelay = registry.find("authbackup.outbox.relay.delay").timer();
        long countBefore = relayDelay.count();
        double secondsBefore = relayDelay.totalTime(TimeUnit.SECONDS);
        int sent = relay.relayOnce().await().atMost(Duration.ofSeconds(20));
        assertEquals(3, sent);
        assertEquals(countBefore + 3, relayDelay.count());
        double waited = relayDelay.totalTime(TimeUnit.SECONDS) - secondsBefore;
        assertTrue(waited >= 3 * 2.0, "each of the 3 events waited 2 s or more in the outbox: " + waited + " s in all");
        assertEquals(0, relay.relayOnce().await().atMost(Duration.ofSeconds(20)));
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.withKey(alice.accountId()).size() >= 3);
        assertEquals(List.of("backup.stored.v1", "backup.stored.v1", "backup.deleted.v1"),
                EVENTS.typesWithKey(alice.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event"));
    }
}
