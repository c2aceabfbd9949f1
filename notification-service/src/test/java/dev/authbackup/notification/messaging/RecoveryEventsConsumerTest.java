package dev.authbackup.notification.messaging;

import static dev.authbackup.notification.support.DeviceFixtures.nonce;
import static dev.authbackup.notification.support.DeviceFixtures.p256;
import static dev.authbackup.notification.support.DeviceFixtures.post;
import static dev.authbackup.notification.support.DeviceFixtures.provisioning;
import static dev.authbackup.notification.support.DeviceFixtures.pushKeyBody;
import static dev.authbackup.notification.support.DeviceFixtures.sign;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.notification.support.Gateways;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * recovery.events through the real broker: recovery.started authorises device credentials for personal
 * entries, recovery.push-key-authorized a push key (and the push entry's credential); registering them
 * announces device events; a finished recovery revokes what was not used; redelivery and poison are safe.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class RecoveryEventsConsumerTest {

    private static final String TOPIC = "recovery.events";
    private static final String DEVICE = "pixel-new";
    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> deviceEvents;

    @BeforeAll
    static void setUp() {
        TestDatabase.truncateAll();
        kafka = TestKafka.companion();
        deviceEvents = TestKafka.readFromNow(kafka, "device.events", Duration.ofMinutes(3));
    }

    @AfterAll
    static void tearDown() {
        deviceEvents.stop();
        kafka.close();
    }

    private static void send(ProducerRecord<String, String> record) {
        kafka.produceStrings().fromRecords(record).awaitCompletion(Duration.ofSeconds(10));
    }

    private static final Instant EXPIRES = Instant.now().plus(24, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    private static String started(UUID recovery, String account) {
        return """
                {"recoveryId":"%s","accountId":"%s","platform":"android","backupVersion":3,"deviceId":"%s",
                 "startedAt":"%s","expiresAt":"%s","entries":[
                  {"ref":"tp","kind":"third_party","pushEnabled":false,"requirement":"none"},
                  {"ref":"pers","kind":"personal","pushEnabled":false,"requirement":"device_credential"},
                  {"ref":"push","kind":"personal","pushEnabled":true,"requirement":"verification"},
                  {"ref":"work","kind":"work_school","pushEnabled":true,"requirement":"verification"}]}"""
                .formatted(recovery, account, DEVICE, Instant.now(), EXPIRES);
    }

    private static String pushKeyAuthorized(UUID recovery, String account, String entry, Instant expires) {
        return """
                {"recoveryId":"%s","accountId":"%s","entryRef":"%s","deviceId":"%s","expiresAt":"%s"}"""
                .formatted(recovery, account, entry, DEVICE, expires);
    }

    private static void awaitProcessed(String eventId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM processed_event WHERE event_id = ?", eventId) == 1);
    }

    private static UUID start(TestIssuer.Token token) {
        UUID recovery = UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent(TOPIC, token.accountId(), eventId, "recovery.started.v1",
                started(recovery, token.accountId())));
        awaitProcessed(eventId);
        return recovery;
    }

    @Test
    void aRecoveryAuthorisesCredentialsThenPushKeysAndRegistrationsAreAnnounced() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = start(alice);
        // Only the personal entry without push may get its credential now.
        provisioning(alice, DEVICE).statusCode(200).body("size()", equalTo(1))
                .body("[0].entryRef", equalTo("pers")).body("[0].kind", equalTo("device_credential"))
                .body("[0].expiresAt", equalTo(EXPIRES.toString()));
        provisioning(alice, "other-device").statusCode(200).body("size()", equalTo(0));
        provisioning(TestIssuer.token(), DEVICE).statusCode(200).body("size()", equalTo(0));

        Instant pushExpires = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        for (String entry : new String[] {"push", "work"}) {
            String eventId = UUID.randomUUID().toString();
            send(TestKafka.cloudEvent(TOPIC, alice.accountId(), eventId, "recovery.push-key-authorized.v1",
                    pushKeyAuthorized(recovery, alice.accountId(), entry, pushExpires)));
            awaitProcessed(eventId);
        }
        provisioning(alice, DEVICE).statusCode(200).body("size()", equalTo(4))
                .body("findAll { it.kind == 'push_key' }.entryRef", containsInAnyOrder("push", "work"))
                .body("findAll { it.kind == 'device_credential' }.entryRef", containsInAnyOrder("pers", "push"))
                .body("find { it.kind == 'push_key' }.expiresAt", equalTo(pushExpires.toString()));

        KeyPair pair = p256();
        String keyId = post(alice, "/v1/devices/" + DEVICE + "/push-keys", pushKeyBody(recovery, "push", pair,
                sign(pair.getPrivate(), nonce(alice, DEVICE, recovery, "push")), "fcm"))
                .statusCode(201).extract().path("keyId");
        String credentialId = post(alice, "/v1/devices/" + DEVICE + "/credentials",
                Map.of("recoveryId", recovery.toString(), "entryRef", "pers")).statusCode(201)
                .extract().path("credentialId");

        await().atMost(Duration.ofSeconds(20)).until(() -> TestKafka.typesWithKey(deviceEvents, alice.accountId())
                .containsAll(java.util.List.of("device.push-key-registered.v1", "device.credential-issued.v1")));
        ObjectMapper json = new ObjectMapper();
        for (var record : TestKafka.withKey(deviceEvents, alice.accountId())) {
            JsonNode data = json.readTree(record.value());
            assertEquals(DEVICE, TestKafka.header(record, "ce_subject"));
            assertEquals(recovery.toString(), data.get("recoveryId").asText());
            assertEquals(DEVICE, data.get("deviceId").asText());
            assertEquals(alice.accountId(), data.get("accountId").asText());
            if ("device.push-key-registered.v1".equals(TestKafka.header(record, "ce_type"))) {
                assertEquals(keyId, data.get("keyId").asText());
                assertEquals("push", data.get("entryRef").asText());
                assertEquals("fcm", data.get("pushProvider").asText());
            } else {
                assertEquals(credentialId, data.get("credentialId").asText());
                assertEquals("pers", data.get("entryRef").asText());
            }
        }
        assertEquals(2, TestKafka.withKey(deviceEvents, alice.accountId()).size());

        // The recovery ends: what is left unused is revoked; what was used stays used.
        String cancelled = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent(TOPIC, alice.accountId(), cancelled, "recovery.cancelled.v1",
                "{\"recoveryId\":\"%s\",\"accountId\":\"%s\",\"deviceId\":\"%s\",\"cancelledAt\":\"%s\"}"
                        .formatted(recovery, alice.accountId(), DEVICE, Instant.now())));
        awaitProcessed(cancelled);
        provisioning(alice, DEVICE).statusCode(200).body("size()", equalTo(0));
        assertEquals(2, TestDatabase.count("SELECT count(*) FROM provisioning_authorization WHERE recovery_id = ? "
                + "AND revoked_at IS NOT NULL", recovery));
        assertEquals(2, TestDatabase.count("SELECT count(*) FROM provisioning_authorization WHERE recovery_id = ? "
                + "AND consumed_at IS NOT NULL AND revoked_at IS NULL", recovery));
    }

    @Test
    void aRedeliveredEventCreatesOneAuthorisationWithOneNonce() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = start(alice);
        String eventId = UUID.randomUUID().toString();
        String body = pushKeyAuthorized(recovery, alice.accountId(), "push", Instant.now().plusSeconds(600));
        send(TestKafka.cloudEvent(TOPIC, alice.accountId(), eventId, "recovery.push-key-authorized.v1", body));
        awaitProcessed(eventId);
        byte[] first = nonce(alice, DEVICE, recovery, "push");
        send(TestKafka.cloudEvent(TOPIC, alice.accountId(), eventId, "recovery.push-key-authorized.v1", body));
        // The same decision under another event id (an upstream retry) changes nothing either.
        String again = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent(TOPIC, alice.accountId(), again, "recovery.push-key-authorized.v1", body));
        awaitProcessed(again);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM provisioning_authorization WHERE recovery_id = ? "
                + "AND kind = 'push_key'", recovery));
        org.junit.jupiter.api.Assertions.assertArrayEquals(first, nonce(alice, DEVICE, recovery, "push"));
    }

    @Test
    void aPoisonRecoveryEventIsDeadLetteredAndThePartitionKeepsFlowing() {
        TestIssuer.Token alice = TestIssuer.token();
        var dlq = TestKafka.readFromStart(kafka, "notification-service.dlq", Duration.ofSeconds(60));
        String poison = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent(TOPIC, alice.accountId(), poison, "recovery.started.v1",
                "{\"recoveryId\":\"" + UUID.randomUUID() + "\",\"accountId\":\"" + alice.accountId() + "\"}"));
        start(alice);
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.getRecords().stream()
                .anyMatch(r -> poison.equals(TestKafka.header(r, "ce_id"))));
        dlq.stop();
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", poison));
    }
}
