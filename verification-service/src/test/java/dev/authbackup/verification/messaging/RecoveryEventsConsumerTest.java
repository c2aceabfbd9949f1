package dev.authbackup.verification.messaging;

import static dev.authbackup.verification.Fixtures.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import dev.authbackup.verification.Fixtures;
import dev.authbackup.verification.Fixtures.Entry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * recovery.events reach the recovery projection through the real broker: only entries that need
 * verification, once per event id; an ended recovery ends its open verifications; poison goes to the DLQ.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class RecoveryEventsConsumerTest {

    @BeforeAll
    static void setUp() {
        Fixtures.open();
    }

    private static Map<String, Object> started(UUID recoveryId, String account) {
        return Map.of("recoveryId", recoveryId.toString(), "accountId", account, "platform", "android",
                "backupVersion", 3, "deviceId", "dev-9", "startedAt", Instant.now().toString(),
                "expiresAt", Instant.now().plusSeconds(86400).toString(), "revision", 7,
                "entries", List.of(
                        Map.of("ref", "p1", "kind", "personal", "pushEnabled", true, "requirement", "verification"),
                        Map.of("ref", "p2", "kind", "personal", "pushEnabled", false, "requirement", "device_credential"),
                        Map.of("ref", "g1", "kind", "third_party", "pushEnabled", false, "requirement", "none")));
    }

    @Test
    void aStartedRecoveryIsProjectedWithOnlyTheEntriesThatNeedVerification() {
        String account = TestIssuer.accountId(UUID.randomUUID().toString());
        UUID recovery = UUID.randomUUID();
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), started(recovery, account));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM recovery_projection WHERE recovery_id = ?", recovery) == 1);
        assertEquals(account, TestDatabase.scalar("SELECT account_id FROM recovery_projection WHERE recovery_id = ?", recovery));
        assertEquals("dev-9", TestDatabase.scalar("SELECT device_id FROM recovery_projection WHERE recovery_id = ?", recovery));
        assertEquals("active", TestDatabase.scalar("SELECT status FROM recovery_projection WHERE recovery_id = ?", recovery));
        JsonNode entries = Fixtures.json((String) TestDatabase.scalar(
                "SELECT entries FROM recovery_projection WHERE recovery_id = ?", recovery));
        assertEquals(1, entries.size(), "only p1 needs verification: " + entries);
        assertEquals("p1", entries.get(0).get("ref").asText());
        assertEquals("personal", entries.get(0).get("kind").asText());
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        String account = TestIssuer.accountId(UUID.randomUUID().toString());
        UUID recovery = UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        Fixtures.send("recovery.started.v1", account, eventId, started(recovery, account));
        Fixtures.send("recovery.started.v1", account, eventId, started(recovery, account));
        // The same cancellation twice, and a marker after it on the same partition.
        String cancelId = UUID.randomUUID().toString();
        Map<String, Object> cancelled = Map.of("recoveryId", recovery.toString(), "accountId", account,
                "deviceId", "dev-9", "cancelledAt", Instant.now().toString());
        Fixtures.send("recovery.cancelled.v1", account, cancelId, cancelled);
        Fixtures.send("recovery.cancelled.v1", account, cancelId, cancelled);
        UUID marker = UUID.randomUUID();
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), started(marker, account));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM recovery_projection WHERE recovery_id = ?", marker) == 1);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", cancelId));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM recovery_projection WHERE recovery_id = ?", recovery));
        assertEquals("cancelled", TestDatabase.scalar("SELECT status FROM recovery_projection WHERE recovery_id = ?", recovery));
        // A replay of the start after the cancellation does not revive the recovery.
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), started(recovery, account));
        UUID marker2 = UUID.randomUUID();
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), started(marker2, account));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM recovery_projection WHERE recovery_id = ?", marker2) == 1);
        assertEquals("cancelled", TestDatabase.scalar("SELECT status FROM recovery_projection WHERE recovery_id = ?", recovery));
    }

    @Test
    void anEndedRecoveryEndsItsOpenVerificationsAndRefusesNewOnes() {
        TestIssuer.Token alice = TestIssuer.token();
        Fixtures.addConfirmedProof(alice, "email", "alice@example.com");
        UUID recovery = Fixtures.startRecovery(alice.accountId(), "dev-1", new Entry("p1", "personal", "verification"));
        String id = Fixtures.startVerification(alice, recovery, "p1", "dev-1", "password_and_proof");
        Fixtures.send("recovery.expired.v1", alice.accountId(), UUID.randomUUID().toString(), Map.of(
                "recoveryId", recovery.toString(), "accountId", alice.accountId(), "deviceId", "dev-1",
                "expiredAt", Instant.now().toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> "cancelled".equals(
                TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", id)));
        assertEquals("expired", TestDatabase.scalar("SELECT status FROM recovery_projection WHERE recovery_id = ?", recovery));
        given().header("Authorization", alice.bearer()).contentType("application/json")
                .body(Map.of("proofId", UUID.randomUUID().toString(), "value", "alice@example.com"))
                .post("/v1/verifications/" + id + "/proof").then().statusCode(410)
                .body("type", equalTo(PROBLEM + "verification-expired"));
        given().header("Authorization", alice.bearer()).contentType("application/json")
                .body(Map.of("recoveryId", recovery.toString(), "entryRef", "p1", "deviceId", "dev-1",
                        "method", "password_and_proof"))
                .post("/v1/verifications").then().statusCode(404);
    }

    @Test
    void aCodeOfARecoveryThatEndedIsGoneWrongOrRight() {
        TestIssuer.Token alice = TestIssuer.token();
        Fixtures.StepUp stepUp = Fixtures.stepUp(alice, "alice@example.com");
        String proofId = stepUp.proofId();
        UUID recovery = stepUp.recovery();
        String id = stepUp.verificationId();
        String code = Fixtures.sendStepUpCode(alice, id, proofId, "alice@example.com");
        Fixtures.send("recovery.cancelled.v1", alice.accountId(), UUID.randomUUID().toString(), Map.of(
                "recoveryId", recovery.toString(), "accountId", alice.accountId(), "deviceId", "dev-1",
                "cancelledAt", Instant.now().toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> "cancelled".equals(
                TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", id)));
        // The live code went with its verification: a guess is not a wrong code (422) but an ended verification.
        for (String typed : List.of(Fixtures.wrongCode(code), code)) {
            given().header("Authorization", alice.bearer()).contentType("application/json")
                    .body(Map.of("code", typed)).post("/v1/verifications/" + id + "/code").then().statusCode(410)
                    .body("type", equalTo(PROBLEM + "verification-expired"));
        }
        assertEquals("cancelled", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", id));
    }

    @Test
    void aPoisonMessageIsDeadLetteredAndThePartitionKeepsFlowing() {
        String account = TestIssuer.accountId(UUID.randomUUID().toString());
        ConsumerTask<String, String> dlq = TestKafka.readFromStart(Fixtures.kafka(), "verification-service.dlq",
                Duration.ofSeconds(60));
        Fixtures.kafka().produceStrings().fromRecords(new ProducerRecord<>("recovery.events", account, "not a CloudEvent"))
                .awaitCompletion(Duration.ofSeconds(10));
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), Map.of("recoveryId", "not-a-uuid"));
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), Map.of("accountId", account));
        UUID good = UUID.randomUUID();
        Fixtures.send("recovery.started.v1", account, UUID.randomUUID().toString(), started(good, account));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM recovery_projection WHERE recovery_id = ?", good) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(dlq, account).size() == 3);
        dlq.stop();
        assertEquals(Set.of("not a CloudEvents 1.0 record", "data of recovery.started.v1 does not match its schema",
                "recovery.started.v1 without recovery, account, device or entries"),
                new HashSet<>(deadLettered(dlq, account).values()));
    }

    /** Source offset -> dead-letter reason, of this account's dead-lettered records. */
    private static Map<String, String> deadLettered(ConsumerTask<String, String> dlq, String account) {
        Map<String, String> reasons = new HashMap<>();
        dlq.getRecords().stream().filter(r -> account.equals(r.key())).forEach(r -> reasons.put(
                TestKafka.header(r, "dead-letter-offset"), TestKafka.header(r, "dead-letter-reason")));
        return reasons;
    }
}
