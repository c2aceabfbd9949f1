package dev.authbackup.recovery.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.testsupport.EventDelays;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * backup.events reach the projection through the real broker: once per event id, never going back
 * to an older version, and a poison message is dead-lettered without stopping the partition.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class BackupEventsConsumerTest {

    private static KafkaCompanion kafka;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void setUp() {
        TestDatabase.truncateAll();
        kafka = TestKafka.companion();
    }

    @AfterAll
    static void tearDown() {
        kafka.close();
    }

    private static String stored(String account, String platform, int version, String... refs) {
        StringBuilder entries = new StringBuilder();
        for (String ref : refs) {
            if (!entries.isEmpty()) {
                entries.append(',');
            }
            entries.append("""
                    {"ref":"%s","kind":"third_party","pushEnabled":false,"fingerprint":"%s"}""".formatted(ref,
                    "ab".repeat(32)));
        }
        return """
                {"accountId":"%s","platform":"%s","version":%d,"revision":%d,"status":"current",
                 "updatedAt":"2026-11-25T10:00:00Z","deviceId":"dev-1","entries":[%s]}""".formatted(account, platform,
                version, version, entries);
    }

    private static void send(ProducerRecord<String, String> record) {
        kafka.produceStrings().fromRecords(record).awaitCompletion(Duration.ofSeconds(10));
    }

    private static Long projectedVersion(String account, String platform) {
        Object version = TestDatabase.scalar(
                "SELECT version FROM backup_projection WHERE account_id = ? AND platform = ?", account, platform);
        return version == null ? null : ((Number) version).longValue();
    }

    @Test
    void aStoredBackupIsProjected() {
        String account = "u-" + UUID.randomUUID();
        send(TestKafka.cloudEvent("backup.events", account, "backup.stored.v1", stored(account, "ios", 1, "a", "b")));
        await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(1).equals(projectedVersion(account, "ios")));
        String entries = (String) TestDatabase.scalar(
                "SELECT entries FROM backup_projection WHERE account_id = ?", account);
        assertEquals(2, entries.split("\"ref\"").length - 1);
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        String account = "u-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        String later = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent("backup.events", account, id, "backup.stored.v1", stored(account, "ios", 1, "a")));
        send(TestKafka.cloudEvent("backup.events", account, id, "backup.stored.v1", stored(account, "ios", 1, "a")));
        // A marker after both copies: once it is applied, both copies have been through the consumer.
        send(TestKafka.cloudEvent("backup.events", account, later, "backup.stored.v1", stored(account, "android", 1, "z")));
        await().atMost(Duration.ofSeconds(20)).until(() -> projectedVersion(account, "android") != null);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", id));
        assertEquals(1, TestDatabase.count(
                "SELECT count(*) FROM backup_projection WHERE account_id = ? AND platform = 'ios'", account));
        assertEquals(1L, projectedVersion(account, "ios"));
    }

    @Test
    void eachAppliedEventsDelayFromItsOccurrenceIsMeasuredOnce() {
        EventDelays.assertMeasuredOncePerEvent(registry, BackupEventsConsumer.CONSUMER, "backup.events",
                BackupEventsConsumerTest::send);
    }

    @Test
    void anOlderVersionArrivingLateNeverOverwritesANewerOne() {
        String account = "u-" + UUID.randomUUID();
        send(TestKafka.cloudEvent("backup.events", account, "backup.stored.v1", stored(account, "ios", 3, "new")));
        await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(3).equals(projectedVersion(account, "ios")));
        String late = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent("backup.events", account, late, "backup.stored.v1", stored(account, "ios", 2, "old")));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", late) == 1);
        assertEquals(3L, projectedVersion(account, "ios"));
        String entries = (String) TestDatabase.scalar("SELECT entries FROM backup_projection WHERE account_id = ?", account);
        assertEquals(true, entries.contains("\"new\""));
    }

    @Test
    void aPoisonMessageIsDeadLetteredAndThePartitionKeepsFlowing() {
        String account = "u-" + UUID.randomUUID();
        var dlq = TestKafka.readFromStart(kafka, "recovery-service.dlq", Duration.ofSeconds(40));
        // Same key, so the same partition: the good event after the poison one must still be applied.
        send(new ProducerRecord<>("backup.events", account, "this is not a CloudEvent"));
        send(TestKafka.cloudEvent("backup.events", account, "backup.stored.v1", "{\"not\": \"a valid stored event\"}"));
        send(TestKafka.cloudEvent("backup.events", account, "backup.stored.v1", stored(account, "ios", 1, "ok")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(1).equals(projectedVersion(account, "ios")));
        // A local stack running beside the tests dead-letters them too: count distinct source offsets.
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(dlq, account).size() == 2);
        dlq.stop();
        assertEquals(Set.of("not a CloudEvents 1.0 record",
                "backup.stored.v1 without version, status, time or entries"),
                new HashSet<>(deadLettered(dlq, account).values()));
    }

    @Test
    void anEventTheDatabaseRefusesIsDeadLetteredAloneAndItsNeighboursAreApplied() {
        String first = "u-" + UUID.randomUUID();
        String refused = "u-" + UUID.randomUUID();
        String last = "u-" + UUID.randomUUID();
        String refusedId = UUID.randomUUID().toString();
        var dlq = TestKafka.readFromStart(kafka, "recovery-service.dlq", Duration.ofSeconds(60));
        // Valid JSON, but PostgreSQL refuses a NUL character in text: a batch it shares with a neighbour fails as a
        // whole, then each is tried alone, so only this one is dead-lettered (after its retries).
        String nul = stored(refused, "ios", 1, "a").replace("\"dev-1\"", "\"dev\\u0000ice\"");
        kafka.produceStrings().fromRecords(
                TestKafka.cloudEvent("backup.events", first, "backup.stored.v1", stored(first, "ios", 1, "a")),
                TestKafka.cloudEvent("backup.events", refused, refusedId, "backup.stored.v1", nul),
                TestKafka.cloudEvent("backup.events", last, "backup.stored.v1", stored(last, "ios", 1, "a")))
                .awaitCompletion(Duration.ofSeconds(10));
        // Three keys, so possibly three partitions, each read in its own order: wait for both neighbours.
        await().atMost(Duration.ofSeconds(50)).until(() -> projectedVersion(last, "ios") != null
                && projectedVersion(first, "ios") != null);
        assertEquals(1L, projectedVersion(first, "ios"));
        assertEquals(1L, projectedVersion(last, "ios"));
        assertEquals(null, projectedVersion(refused, "ios"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(dlq, refused).size() == 1);
        dlq.stop();
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", refusedId));
    }

    private static Object projected(String account, String column) {
        return TestDatabase.scalar("SELECT " + column + " FROM backup_projection WHERE account_id = ? AND platform = 'ios'",
                account);
    }

    @Test
    void deletesUndeletesAndStatusChangesApplyInRevisionOrder() {
        String account = "u-" + UUID.randomUUID();
        send(TestKafka.cloudEvent("backup.events", account, "backup.stored.v1", stored(account, "ios", 2, "a")));
        send(TestKafka.cloudEvent("backup.events", account, "backup.deleted.v1", """
                {"accountId":"%s","platform":"ios","version":2,"revision":3}""".formatted(account)));
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(projected(account, "deleted")));
        send(TestKafka.cloudEvent("backup.events", account, "backup.restored.v1", """
                {"accountId":"%s","platform":"ios","version":2,"revision":4,"status":"current",
                 "updatedAt":"2026-11-25T10:00:00Z","deviceId":"dev-1","entries":[]}""".formatted(account)));
        send(TestKafka.cloudEvent("backup.events", account, "backup.status-changed.v1", """
                {"accountId":"%s","platform":"ios","version":2,"revision":5,"status":"sign_in_required",
                 "previousStatus":"current"}""".formatted(account)));
        await().atMost(Duration.ofSeconds(20)).until(() -> "sign_in_required".equals(projected(account, "status")));
        assertEquals(false, projected(account, "deleted"));
        // A late delete (revision 3 again, another event id) does not hide the live backup.
        String late = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent("backup.events", account, late, "backup.deleted.v1", """
                {"accountId":"%s","platform":"ios","version":2,"revision":3}""".formatted(account)));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", late) == 1);
        assertEquals(false, projected(account, "deleted"));
        assertEquals(5L, ((Number) projected(account, "revision")).longValue());
    }

    /** Source offset -> dead-letter reason, of this account's dead-lettered records. */
    private static Map<String, String> deadLettered(ConsumerTask<String, String> dlq, String account) {
        Map<String, String> reasons = new HashMap<>();
        dlq.getRecords().stream().filter(r -> account.equals(r.key())).forEach(r -> reasons.put(
                TestKafka.header(r, "dead-letter-offset"), TestKafka.header(r, "dead-letter-reason")));
        return reasons;
    }
}
