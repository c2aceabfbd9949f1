package dev.authbackup.verification;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Shared steps of the verification tests, against the real broker: recoveries arrive as
 * recovery.started.v1, codes are read from verification.code-deliveries as notification-service would.
 */
public final class Fixtures {

    public static final String PROBLEM = "https://authbackup.dev/problems/";
    public static final String DELIVERIES = "verification.code-deliveries";
    public static final String EVENTS = "verification.events";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaCompanion kafka;
    private static ConsumerTask<String, String> deliveries;
    private static ConsumerTask<String, String> events;

    private Fixtures() {
    }

    /** Starts reading the two output topics from their beginning (records are filtered by account later). */
    public static synchronized void open() {
        if (kafka == null) {
            TestDatabase.truncateAll();
            kafka = TestKafka.companion();
            deliveries = readAll(DELIVERIES);
            events = readAll(EVENTS);
        }
    }

    private static ConsumerTask<String, String> readAll(String topic) {
        return kafka.consumeStrings().withGroupId("test-reader-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST).fromTopics(topic, Duration.ofMinutes(10));
    }

    public static KafkaCompanion kafka() {
        return kafka;
    }

    /** This account's records on a topic, in order, optionally of one CloudEvents type. */
    public static List<ConsumerRecord<String, String>> records(String topic, String account, String type) {
        ConsumerTask<String, String> task = DELIVERIES.equals(topic) ? deliveries : events;
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        for (ConsumerRecord<String, String> r : new ArrayList<>(task.getRecords())) {
            if (account.equals(r.key()) && (type == null || type.equals(TestKafka.header(r, "ce_type")))) {
                mine.add(r);
            }
        }
        return mine;
    }

    public static JsonNode data(ConsumerRecord<String, String> record) {
        return json(record.value());
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the account's {@code n}-th code delivery (1-based) and returns its data. */
    public static JsonNode codeDelivery(String account, int n) {
        await().atMost(Duration.ofSeconds(30)).until(
                () -> records(DELIVERIES, account, "verification.code-delivery.v1").size() >= n);
        return data(records(DELIVERIES, account, "verification.code-delivery.v1").get(n - 1));
    }

    /** Waits for a verification.events record of this type about this subject. */
    public static JsonNode awaitEvent(String account, String type, String subject) {
        await().atMost(Duration.ofSeconds(30)).until(() -> records(EVENTS, account, type).stream()
                .anyMatch(r -> subject.equals(TestKafka.header(r, "ce_subject"))));
        return data(records(EVENTS, account, type).stream()
                .filter(r -> subject.equals(TestKafka.header(r, "ce_subject"))).findFirst().orElseThrow());
    }

    /**
     * The number of audit rows {@code sql} counts, once it reaches {@code atLeast}: refused attempts reach the table
     * from their Redis stage a moment after the answer (AuditStage).
     */
    public static long auditRows(long atLeast, String sql, Object... params) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> TestDatabase.count(sql, params) >= atLeast);
        return TestDatabase.count(sql, params);
    }

    /** One entry of a recovery.started.v1. */
    public record Entry(String ref, String kind, String requirement) {
    }

    /** Publishes recovery.started.v1 for this account and device and waits until it is projected. */
    public static UUID startRecovery(String account, String deviceId, Entry... entries) {
        UUID recoveryId = UUID.randomUUID();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Entry e : entries) {
            list.add(Map.of("ref", e.ref(), "kind", e.kind(), "pushEnabled", true, "requirement", e.requirement()));
        }
        Map<String, Object> data = Map.of("recoveryId", recoveryId.toString(), "accountId", account, "platform", "ios",
                "backupVersion", 1, "deviceId", deviceId, "startedAt", Instant.now().toString(),
                "expiresAt", Instant.now().plus(Duration.ofHours(24)).toString(), "entries", list);
        send("recovery.started.v1", account, UUID.randomUUID().toString(), data);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM recovery_projection WHERE recovery_id = ?", recoveryId) == 1);
        return recoveryId;
    }

    public static void send(String type, String account, String eventId, Object data) {
        try {
            kafka.produceStrings().fromRecords(TestKafka.cloudEvent("recovery.events", account, eventId, type,
                    JSON.writeValueAsString(data))).awaitCompletion(Duration.ofSeconds(10));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a proof and confirms it with the code delivered for it; answers the proof id. */
    public static String addConfirmedProof(TestIssuer.Token token, String type, String value) {
        int before = records(DELIVERIES, token.accountId(), "verification.code-delivery.v1").size();
        String id = given().header("Authorization", token.bearer()).contentType("application/json")
                .body(Map.of("type", type, "value", value))
                .post("/v1/security-info").then().statusCode(201).extract().path("id");
        String code = codeDelivery(token.accountId(), before + 1).get("code").asText();
        given().header("Authorization", token.bearer()).contentType("application/json").body(Map.of("code", code))
                .post("/v1/security-info/" + id + "/confirm").then().statusCode(200);
        return id;
    }

    /** Sends the step-up code of a verification to a confirmed proof (202); answers the code delivered. */
    public static String sendStepUpCode(TestIssuer.Token token, String verificationId, String proofId, String value) {
        int before = records(DELIVERIES, token.accountId(), "verification.code-delivery.v1").size();
        given().header("Authorization", token.bearer()).contentType("application/json")
                .body(Map.of("proofId", proofId, "value", value))
                .post("/v1/verifications/" + verificationId + "/proof").then().statusCode(202);
        return codeDelivery(token.accountId(), before + 1).get("code").asText();
    }

    /** A well-formed code that is not {@code code}. */
    public static String wrongCode(String code) {
        return code.equals("00000000") ? "11111111" : "00000000";
    }

    /** Starts a verification and answers its id. */
    public static String startVerification(TestIssuer.Token token, UUID recoveryId, String ref, String device,
            String method) {
        return given().header("Authorization", token.bearer()).contentType("application/json")
                .body(Map.of("recoveryId", recoveryId.toString(), "entryRef", ref, "deviceId", device, "method", method))
                .post("/v1/verifications").then().statusCode(201).extract().path("id");
    }

    /** A password_and_proof verification of entry p1 of a recovery on dev-1, with a confirmed email proof to type. */
    public record StepUp(String proofId, UUID recovery, String verificationId) {
    }

    /** Sets up {@link StepUp} for {@code token}'s account, proving {@code email}. */
    public static StepUp stepUp(TestIssuer.Token token, String email) {
        String proofId = addConfirmedProof(token, "email", email);
        UUID recovery = startRecovery(token.accountId(), "dev-1", new Entry("p1", "personal", "verification"));
        return new StepUp(proofId, recovery, startVerification(token, recovery, "p1", "dev-1", "password_and_proof"));
    }
}
