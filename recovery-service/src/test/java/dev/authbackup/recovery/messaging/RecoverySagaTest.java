package dev.authbackup.recovery.messaging;

import static dev.authbackup.recovery.rest.RecoveryFixtures.MIXED;
import static dev.authbackup.recovery.rest.RecoveryFixtures.entriesJson;
import static dev.authbackup.recovery.rest.RecoveryFixtures.get;
import static dev.authbackup.recovery.rest.RecoveryFixtures.project;
import static dev.authbackup.recovery.rest.RecoveryFixtures.started;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.recovery.domain.RecoverySaga;
import dev.authbackup.testsupport.EventDelays;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import dev.authbackup.testsupport.TopicRecording;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The saga driven through the real broker by the other services' events, in clean order, with
 * duplicates and out of order, and with events that do not belong to the recovery.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class RecoverySagaTest {

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("recovery.events");

    @Inject
    RecoverySaga saga;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    private static void send(String topic, TestIssuer.Token token, String type, String json) {
        send(TestKafka.cloudEvent(topic, token.accountId(), type, json));
    }

    private static void send(ProducerRecord<String, String> record) {
        EVENTS.send(record);
    }

    private static String released(TestIssuer.Token token, UUID recovery, String device) {
        return """
                {"accountId":"%s","recoveryId":"%s","platform":"ios","version":1,"deviceId":"%s","releasedAt":"%s"}"""
                .formatted(token.accountId(), recovery, device, Instant.now());
    }

    private static String step(TestIssuer.Token token, UUID recovery, String ref, String device) {
        return """
                {"accountId":"%s","recoveryId":"%s","entryRef":"%s","deviceId":"%s","verificationId":"%s",
                 "method":"password_and_proof","keyId":"k1","credentialId":"c1"}"""
                .formatted(token.accountId(), recovery, ref, device, UUID.randomUUID());
    }

    private static void verified(TestIssuer.Token token, UUID recovery, String ref, String device) {
        send("verification.events", token, "verification.succeeded.v1", step(token, recovery, ref, device));
    }

    private static void pushKey(TestIssuer.Token token, UUID recovery, String ref, String device) {
        send("device.events", token, "device.push-key-registered.v1", step(token, recovery, ref, device));
    }

    private static void credential(TestIssuer.Token token, UUID recovery, String ref, String device) {
        send("device.events", token, "device.credential-issued.v1", step(token, recovery, ref, device));
    }

    private static JsonPath awaitState(TestIssuer.Token token, UUID recovery, String status, String... states) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> get(token, recovery).statusCode(200)
                .body("status", equalTo(status)).body("entries.state", contains(states)));
        return get(token, recovery).extract().jsonPath();
    }

    private static List<String> eventsOf(TestIssuer.Token token, String type) {
        return EVENTS.dataOf(token.accountId(), type);
    }

    @Test
    void oneEntryOfEachKindIsDrivenToRestoredAndTheRecoveryCompletes() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        // The projection is fed through the broker too, as backup-service would.
        send("backup.events", alice, "backup.stored.v1", """
                {"accountId":"%s","platform":"ios","version":1,"revision":1,"status":"current",
                 "updatedAt":"2026-11-25T10:00:00Z","deviceId":"iphone-A","entries":%s}"""
                .formatted(alice.accountId(), entriesJson(MIXED)));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM backup_projection WHERE account_id = ?", alice.accountId()) == 1);
        UUID recovery = started(alice, "ios", "iphone-B");

        String type = "backup.released.v1";
        EventDelays transitBefore = EventDelays.transit(registry, BackupEventsConsumer.CONSUMER, type);
        EventDelays delayBefore = EventDelays.of(registry, BackupEventsConsumer.CONSUMER, type);
        send("backup.events", alice, type, released(alice, recovery, "iphone-B"));
        awaitState(alice, recovery, "in_progress", "awaiting_verification", "awaiting_device_credential",
                "awaiting_verification", "restored", "restored");
        // Applied on its own within its batch (not with the projection's writes): its Kafka leg is counted once, as its
        // delay is (compared rather than counted, since a platform on the same broker may release backups meanwhile).
        await().atMost(Duration.ofSeconds(10)).until(() ->
                EventDelays.transit(registry, BackupEventsConsumer.CONSUMER, type).count() - transitBefore.count()
                        == EventDelays.of(registry, BackupEventsConsumer.CONSUMER, type).count() - delayBefore.count());
        assertTrue(EventDelays.of(registry, BackupEventsConsumer.CONSUMER, type).count() > delayBefore.count());

        verified(alice, recovery, "personal-push", "iphone-B");
        awaitState(alice, recovery, "in_progress", "verified", "awaiting_device_credential",
                "awaiting_verification", "restored", "restored");
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(alice, "recovery.push-key-authorized.v1").size() == 1);
        JsonNode authorized = new ObjectMapper().readTree(eventsOf(alice, "recovery.push-key-authorized.v1").get(0));
        assertEquals("personal-push", authorized.get("entryRef").asText());
        assertEquals("iphone-B", authorized.get("deviceId").asText());
        assertEquals(recovery.toString(), authorized.get("recoveryId").asText());

        // A personal entry that uses push needs the device's own credential as well as its push key: the key alone
        // (applied before personal-totp's credential, which follows it on the same partition) does not restore it.
        pushKey(alice, recovery, "personal-push", "iphone-B");
        credential(alice, recovery, "personal-totp", "iphone-B");
        verified(alice, recovery, "work-push", "iphone-B");
        awaitState(alice, recovery, "in_progress", "verified", "restored", "verified", "restored", "restored");
        credential(alice, recovery, "personal-push", "iphone-B");
        awaitState(alice, recovery, "in_progress", "restored", "restored", "verified", "restored", "restored");
        pushKey(alice, recovery, "work-push", "iphone-B");
        awaitState(alice, recovery, "completed", "restored", "restored", "restored", "restored", "restored");

        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(alice, "recovery.completed.v1").size() == 1);
        JsonNode completed = new ObjectMapper().readTree(eventsOf(alice, "recovery.completed.v1").get(0));
        assertEquals(recovery.toString(), completed.get("recoveryId").asText());
        assertEquals(true, completed.get("durationMs").asLong() >= 0);
        assertEquals(2, eventsOf(alice, "recovery.push-key-authorized.v1").size());
    }

    @Test
    void duplicatesAndOutOfOrderStepsReachTheSameEnd() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        UUID recovery = started(alice, "ios", "iphone-B");

        // Steps reported before the download was: recorded, and never undone by the download.
        verified(alice, recovery, "personal-push", "iphone-B");
        verified(alice, recovery, "personal-push", "iphone-B");
        credential(alice, recovery, "personal-totp", "iphone-B");
        awaitState(alice, recovery, "awaiting_download", "verified", "restored", "pending", "pending", "pending");
        send("backup.events", alice, "backup.released.v1", released(alice, recovery, "iphone-B"));
        send("backup.events", alice, "backup.released.v1", released(alice, recovery, "iphone-B"));
        awaitState(alice, recovery, "in_progress", "verified", "restored", "awaiting_verification", "restored",
                "restored");
        // The personal push entry's credential first this time, then its push key.
        credential(alice, recovery, "personal-push", "iphone-B");
        pushKey(alice, recovery, "personal-push", "iphone-B");
        verified(alice, recovery, "work-push", "iphone-B");
        pushKey(alice, recovery, "work-push", "iphone-B");
        pushKey(alice, recovery, "work-push", "iphone-B");
        awaitState(alice, recovery, "completed", "restored", "restored", "restored", "restored", "restored");
        // Two verifications of one entry authorise its push key once.
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(alice, "recovery.completed.v1").size() == 1);
        assertEquals(2, eventsOf(alice, "recovery.push-key-authorized.v1").size());
    }

    @Test
    void aBackupWithoutEntriesIsRecoveredAndCompletesOnceDownloaded() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", List.of()); // settings only
        UUID recovery = started(alice, "ios", "iphone-B");
        get(alice, recovery).statusCode(200).body("status", equalTo("awaiting_download")).body("entries.size()",
                equalTo(0));
        send("backup.events", alice, "backup.released.v1", released(alice, recovery, "iphone-B"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> get(alice, recovery).statusCode(200)
                .body("status", equalTo("completed")).body("entries.size()", equalTo(0)));
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(alice, "recovery.completed.v1").size() == 1);
    }

    @Test
    void eventsThatDoNotBelongAreIgnoredAndTheSagaGoesOn() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        UUID recovery = started(alice, "ios", "iphone-B");

        verified(alice, UUID.randomUUID(), "personal-push", "iphone-B");      // unknown recovery
        verified(alice, recovery, "personal-push", "iphone-EVIL");           // other device
        verified(bob, recovery, "personal-push", "iphone-B");                 // other account
        verified(alice, recovery, "google", "iphone-B");                      // needs no verification
        verified(alice, recovery, "no-such-entry", "iphone-B");              // not in the recovery
        send("backup.events", alice, "backup.released.v1", released(alice, recovery, "iphone-B"));
        awaitState(alice, recovery, "in_progress", "awaiting_verification", "awaiting_device_credential",
                "awaiting_verification", "restored", "restored");
        assertEquals(0, eventsOf(alice, "recovery.push-key-authorized.v1").size());
    }

    @Test
    void anIdleRecoveryExpiresAndLaterStepsChangeNothing() throws Throwable {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "android", 1, "current", MIXED);
        UUID recovery = started(alice, "android", "pixel-B");
        UUID fresh = started(alice, "android", "pixel-C");
        TestDatabase.execute("UPDATE recovery SET updated_at = now() - interval '25 hours' WHERE id = ?", recovery);

        int expired = VertxContextSupport.subscribeAndAwait(() -> saga.expireIdle());
        assertEquals(1, expired);
        get(alice, recovery).statusCode(200).body("status", equalTo("expired"));
        get(alice, fresh).statusCode(200).body("status", equalTo("awaiting_download"));
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(alice, "recovery.expired.v1").size() == 1);

        send("backup.events", alice, "backup.released.v1", released(alice, recovery, "pixel-B"));
        send("backup.events", alice, "backup.released.v1", released(alice, fresh, "pixel-C"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                get(alice, fresh).body("status", equalTo("in_progress")));
        get(alice, recovery).statusCode(200).body("status", equalTo("expired"))
                .body("entries.state", contains("pending", "pending", "pending", "pending", "pending"));
    }

    @Test
    void aMalformedStepIsDeadLetteredAndThePartitionKeepsFlowing() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        UUID recovery = started(alice, "ios", "iphone-B");
        var dlq = TestKafka.readFromStart(EVENTS.kafka(), "recovery-service.dlq", Duration.ofSeconds(40));
        send("device.events", alice, "device.credential-issued.v1", "{\"recoveryId\":\"not-a-uuid\"}");
        send("device.events", alice, "device.push-key-registered.v1", "{\"accountId\":\"x\"}");
        credential(alice, recovery, "personal-totp", "iphone-B");
        awaitState(alice, recovery, "awaiting_download", "pending", "restored", "pending", "pending", "pending");
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.getRecords().stream()
                .filter(r -> alice.accountId().equals(r.key()))
                .map(r -> TestKafka.header(r, "dead-letter-offset")).distinct().count() == 2);
        dlq.stop();
    }
}
