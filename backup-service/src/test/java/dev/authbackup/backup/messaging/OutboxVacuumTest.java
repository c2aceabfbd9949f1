package dev.authbackup.backup.messaging;

import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static org.awaitility.Awaitility.await;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay vacuums the outbox itself after every {@code authbackup.outbox.vacuum-every} deleted events, so that a
 * server without autovacuum (this machine's runs with it off) does not pile dead rows up in the relay's way.
 * {@code vacuum_count} counts vacuums run by a command, never autovacuum's.
 */
@QuarkusTest
@TestProfile(OutboxVacuumTest.VacuumEveryThree.class)
@WithTestResource(TestIssuer.class)
class OutboxVacuumTest {

    public static class VacuumEveryThree implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("authbackup.outbox.vacuum-every", "3");
        }
    }

    private static final String VACUUMS = "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'outbox_event'";

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void theRelayVacuumsTheOutboxAfterEveryThreeEvents() {
        TestIssuer.Token carol = TestIssuer.token();
        long before = TestDatabase.count(VACUUMS);
        create(carol, "ios", 1);
        update(carol, "ios", 1, 2);
        update(carol, "ios", 2, 3);
        // Three events relayed and deleted: the relay's VACUUM follows (statistics are flushed within a second or so).
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count(VACUUMS) > before);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count("SELECT count(*) FROM outbox_event") == 0);
    }
}
