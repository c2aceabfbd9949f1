package dev.authbackup.verification.rest;

import static dev.authbackup.verification.Fixtures.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestMetrics;
import dev.authbackup.verification.Fixtures;
import dev.authbackup.verification.Fixtures.Entry;
import dev.authbackup.verification.domain.ChallengeStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The personal path: fresh sign-in, the full value of a confirmed proof, the code sent there. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class PasswordAndProofTest {

    private static final String DEVICE = "iphone-B.2";

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void setUp() {
        Fixtures.open();
    }

    private static ValidatableResponse post(TestIssuer.Token token, String path, Object body) {
        return given().header("Authorization", token.bearer()).contentType("application/json").body(body)
                .post(path).then();
    }

    private static String status(String verificationId) {
        return (String) TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", verificationId);
    }

    /** A verification of alice's whose code was sent to her email: its id, the code, and a code that is not it. */
    private record CodeSent(String verificationId, String code, String wrongCode) {
    }

    private static CodeSent codeSent(TestIssuer.Token alice) {
        UUID recovery = ready(alice);
        String proofId = (String) given().header("Authorization", alice.bearer()).get("/v1/security-info")
                .then().extract().path("[0].id");
        String id = Fixtures.startVerification(alice, recovery, "p1", DEVICE, "password_and_proof");
        String code = Fixtures.sendStepUpCode(alice, id, proofId, "kate.smith@outlook.com");
        return new CodeSent(id, code, Fixtures.wrongCode(code));
    }

    /** A recovery with one personal entry needing verification, and a confirmed email: ready to verify. */
    private static UUID ready(TestIssuer.Token alice) {
        Fixtures.addConfirmedProof(alice, "email", "Kate.Smith@Outlook.com");
        return Fixtures.startRecovery(alice.accountId(), DEVICE,
                new Entry("p1", "personal", "verification"), new Entry("t1", "third_party", "none"),
                new Entry("w1", "work_school", "verification"));
    }

    @Test
    void theWholePersonalPathEndsInVerificationSucceededOnKafka() {
        TestIssuer.Token alice = TestIssuer.token();
        String phoneId = Fixtures.addConfirmedProof(alice, "phone", "+1 (555) 010-0001");
        UUID recovery = ready(alice);

        ValidatableResponse started = post(alice, "/v1/verifications", Map.of("recoveryId", recovery.toString(),
                "entryRef", "p1", "deviceId", DEVICE, "method", "password_and_proof"))
                .statusCode(201)
                .body("status", equalTo("proof_required"))
                .body("proofs", hasSize(2))
                .body("proofs.hint", contains("+1******0001", "ka******@outlook.com"))
                .body("proofs.type", contains("phone", "email"))
                .body("expiresAt", notNullValue());
        String id = started.extract().path("id");
        started.header("Location", org.hamcrest.Matchers.endsWith("/v1/verifications/" + id));

        post(alice, "/v1/verifications/" + id + "/proof", Map.of("proofId", phoneId, "value", "+15550100001"))
                .statusCode(202).body("status", equalTo("code_sent")).body("codeExpiresAt", notNullValue());
        JsonNode delivery = Fixtures.codeDelivery(alice.accountId(), 3);
        assertEquals("sms", delivery.get("channel").asText());
        assertEquals("+15550100001", delivery.get("to").asText());
        assertEquals("step_up", delivery.get("purpose").asText());
        String code = delivery.get("code").asText();
        assertTrue(code.matches("\\d{8}"), "an 8-digit code");

        given().header("Authorization", alice.bearer()).get("/v1/verifications/" + id).then()
                .statusCode(200).body("status", equalTo("code_sent"));
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", code))
                .statusCode(200).body("status", equalTo("verified"));
        given().header("Authorization", alice.bearer()).get("/v1/verifications/" + id).then()
                .statusCode(200).body("status", equalTo("verified")).body("verifiedAt", notNullValue());

        JsonNode event = Fixtures.awaitEvent(alice.accountId(), "verification.succeeded.v1", id);
        assertEquals(id, event.get("verificationId").asText());
        assertEquals(recovery.toString(), event.get("recoveryId").asText());
        assertEquals(alice.accountId(), event.get("accountId").asText());
        assertEquals("p1", event.get("entryRef").asText());
        assertEquals(DEVICE, event.get("deviceId").asText());
        assertEquals("password_and_proof", event.get("method").asText());
        assertTrue(event.hasNonNull("verifiedAt"));

        // Counted for the dashboard.
        assertTrue(TestMetrics.counter("authbackup_verifications_succeeded_total", "method=\"password_and_proof\"") >= 1);
        assertTrue(TestMetrics.counter("authbackup_codes_sent_total", "channel=\"sms\",purpose=\"step_up\"") >= 1);

        // The code is dead after use; the entry is verified, so a second verification is refused.
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", code)).statusCode(409)
                .body("type", equalTo(PROBLEM + "already-verified"));
        post(alice, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "p1",
                "deviceId", DEVICE, "method", "password_and_proof")).statusCode(409)
                .body("type", equalTo(PROBLEM + "already-verified"));
    }

    @Test
    void withoutAFreshSignInPasswordAndProofIsTheRfc9470Challenge() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = ready(alice);
        for (TestIssuer.Token stale : List.of(TestIssuer.token(alice.subject()).signedInSecondsAgo(301),
                TestIssuer.token(alice.subject()).withoutAuthTime())) {
            post(stale, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "p1",
                    "deviceId", DEVICE, "method", "password_and_proof"))
                    .statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", max_age=300")
                    .body("type", equalTo(PROBLEM + "insufficient-user-authentication"));
        }
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM verification WHERE account_id = ?", alice.accountId()));
        assertEquals(2, Fixtures.auditRows(2, "SELECT count(*) FROM verification_audit WHERE account_id = ? "
                + "AND action = 'verification.start' AND outcome = 'insufficient-user-authentication'", alice.accountId()));
    }

    @Test
    void unknownOrForeignRecoveriesWrongDevicesAndEntriesWithoutVerificationAre404() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token mallory = TestIssuer.token();
        UUID recovery = ready(alice);
        Fixtures.addConfirmedProof(mallory, "email", "mallory@example.com");
        List<Map<String, String>> bodies = List.of(
                Map.of("recoveryId", UUID.randomUUID().toString(), "entryRef", "p1", "deviceId", DEVICE),
                Map.of("recoveryId", recovery.toString(), "entryRef", "p1", "deviceId", "another-device"),
                Map.of("recoveryId", recovery.toString(), "entryRef", "t1", "deviceId", DEVICE),
                Map.of("recoveryId", recovery.toString(), "entryRef", "nope", "deviceId", DEVICE));
        for (Map<String, String> body : bodies) {
            Map<String, String> request = new java.util.HashMap<>(body);
            request.put("method", "password_and_proof");
            post(alice, "/v1/verifications", request).statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "not-found"));
        }
        post(mallory, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "p1",
                "deviceId", DEVICE, "method", "password_and_proof")).statusCode(404)
                .body("type", equalTo(PROBLEM + "not-found"));
        // A work/school entry is verified with an activation code, a personal one with password and proof.
        post(alice, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "w1",
                "deviceId", DEVICE, "method", "password_and_proof")).statusCode(422)
                .body("type", equalTo(PROBLEM + "wrong-method"));
        post(alice, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "p1",
                "deviceId", DEVICE, "method", "carrier_pigeon")).statusCode(400)
                .body("type", equalTo(PROBLEM + "malformed-request"));
        post(alice, "/v1/verifications", Map.of("recoveryId", recovery.toString(), "entryRef", "p1",
                "deviceId", "has spaces/and slashes", "method", "password_and_proof")).statusCode(422)
                .body("type", equalTo(PROBLEM + "validation-failed")).body("errors.field", contains("deviceId"));
        post(alice, "/v1/verifications", Map.of("entryRef", "p1", "deviceId", DEVICE, "method", "password_and_proof"))
                .statusCode(422).body("type", equalTo(PROBLEM + "validation-failed"))
                .body("errors.field", contains("recoveryId"));
        given().header("Authorization", alice.bearer()).contentType("application/json").body("{\"recoveryId\": ")
                .post("/v1/verifications").then().statusCode(400).body("type", equalTo(PROBLEM + "malformed-request"));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM verification WHERE recovery_id = ?", recovery));

        // And another account's verification is 404 on every step.
        String id = Fixtures.startVerification(alice, recovery, "p1", DEVICE, "password_and_proof");
        given().header("Authorization", mallory.bearer()).get("/v1/verifications/" + id).then().statusCode(404);
        post(mallory, "/v1/verifications/" + id + "/proof", Map.of("proofId", UUID.randomUUID().toString(),
                "value", "mallory@example.com")).statusCode(404).body("type", equalTo(PROBLEM + "not-found"));
        post(mallory, "/v1/verifications/" + id + "/code", Map.of("code", "12345678")).statusCode(404);
        assertEquals("proof_required", status(id));
    }

    @Test
    void aProofMismatchIs422AndCountsAsAFailedAttemptWhileNothingIsSent() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = ready(alice);
        String proofId = (String) given().header("Authorization", alice.bearer()).get("/v1/security-info")
                .then().extract().path("[0].id");
        String id = Fixtures.startVerification(alice, recovery, "p1", DEVICE, "password_and_proof");
        int deliveriesBefore = Fixtures.records(Fixtures.DELIVERIES, alice.accountId(), "verification.code-delivery.v1").size();

        for (String wrong : List.of("kate.smith@outlook.co", "someone@outlook.com", "not an email")) {
            post(alice, "/v1/verifications/" + id + "/proof", Map.of("proofId", proofId, "value", wrong))
                    .statusCode(422).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "proof-mismatch"));
        }
        assertEquals("proof_required", status(id));
        assertEquals(3, Fixtures.auditRows(3, """
                SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid AND action = 'verification.proof'
                AND outcome = 'proof-mismatch'""", id));
        // Case and spaces do not matter: the stored value is normalised.
        post(alice, "/v1/verifications/" + id + "/proof", Map.of("proofId", proofId, "value", " KATE.smith@outlook.com "))
                .statusCode(202);
        // One account's deliveries keep their order: once this code is here, any sent for a mismatch would be too.
        Fixtures.codeDelivery(alice.accountId(), deliveriesBefore + 1);
        assertEquals(deliveriesBefore + 1,
                Fixtures.records(Fixtures.DELIVERIES, alice.accountId(), "verification.code-delivery.v1").size());
    }

    @Test
    void anotherAccountsGuessesAtALiveCodeAre404AndCountAgainstNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token mallory = TestIssuer.token();
        CodeSent sent = codeSent(alice);
        String id = sent.verificationId();
        String code = sent.code();
        String wrong = sent.wrongCode();
        // The code is live, but not mallory's: as if there were no such verification, and no guess is counted,
        // neither against alice's code nor against mallory's own failure limit (10 an hour: the 11th would be 429).
        for (int i = 0; i < 11; i++) {
            post(mallory, "/v1/verifications/" + id + "/code", Map.of("code", wrong)).statusCode(404)
                    .body("type", equalTo(PROBLEM + "not-found"));
        }
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", wrong)).statusCode(422)
                .body("type", equalTo(PROBLEM + "invalid-code")).body("attemptsRemaining", equalTo(4));
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", code)).statusCode(200)
                .body("status", equalTo("verified"));
    }

    @Test
    void aCodeSentBeforeARollingUpdateStillWorksForItsOwnerOnly() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token mallory = TestIssuer.token();
        CodeSent sent = codeSent(alice);
        // Stored as the release before this one did: without the account it belongs to.
        redis.hash(String.class).hdel(ChallengeStore.codeKey("step-up", sent.verificationId()), "a");
        post(mallory, "/v1/verifications/" + sent.verificationId() + "/code", Map.of("code", sent.wrongCode()))
                .statusCode(404);
        post(alice, "/v1/verifications/" + sent.verificationId() + "/code", Map.of("code", sent.wrongCode()))
                .statusCode(422).body("attemptsRemaining", equalTo(4));
        post(alice, "/v1/verifications/" + sent.verificationId() + "/code", Map.of("code", sent.code()))
                .statusCode(200).body("status", equalTo("verified"));
    }

    @Test
    void fiveWrongCodesBurnTheChallengeThen410AndVerificationFailedIsEmitted() {
        TestIssuer.Token alice = TestIssuer.token();
        CodeSent sent = codeSent(alice);
        String id = sent.verificationId();
        String code = sent.code();
        String wrong = sent.wrongCode();
        for (int remaining = 4; remaining >= 0; remaining--) {
            post(alice, "/v1/verifications/" + id + "/code", Map.of("code", wrong))
                    .statusCode(422).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "invalid-code"))
                    .body("attemptsRemaining", equalTo(remaining));
        }
        // Burned: even the right code is refused now.
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", code))
                .statusCode(410).body("type", equalTo(PROBLEM + "verification-expired"));
        assertEquals("failed", status(id));
        JsonNode failed = Fixtures.awaitEvent(alice.accountId(), "verification.failed.v1", id);
        assertEquals("burned", failed.get("reason").asText());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid "
                + "AND action = 'verification.code' AND outcome = 'success'", id));
        // Each wrong code is audited once, by the code check itself (staged with the wrong guess it records).
        assertEquals(5, Fixtures.auditRows(5, "SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid "
                + "AND action = 'verification.code' AND outcome = 'invalid-code' AND staged_id IS NOT NULL "
                + "AND method = 'password_and_proof' AND account_id = ?", id, alice.accountId()));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid "
                + "AND action = 'verification.code' AND outcome = 'verification-expired'", id));
    }

    @Test
    void anExpiredVerificationIs410AndChangesNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        CodeSent sent = codeSent(alice);
        String id = sent.verificationId();
        String code = sent.code();
        TestDatabase.scalar("UPDATE verification SET expires_at = now() - interval '1 second' WHERE id = ?::uuid "
                + "RETURNING id", id);
        post(alice, "/v1/verifications/" + id + "/code", Map.of("code", code))
                .statusCode(410).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "verification-expired"));
        assertEquals("expired", status(id));
        assertEquals("expired", Fixtures.awaitEvent(alice.accountId(), "verification.failed.v1", id)
                .get("reason").asText());
        assertEquals(0, Fixtures.records(Fixtures.EVENTS, alice.accountId(), "verification.succeeded.v1").size());
    }

    @Test
    void aVerificationLeftUntouchedPastItsTimeEndsWithVerificationFailed() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = ready(alice);
        String id = Fixtures.startVerification(alice, recovery, "p1", DEVICE, "password_and_proof");
        String fresh = Fixtures.startVerification(alice, recovery, "p1", DEVICE, "password_and_proof");
        TestDatabase.scalar("UPDATE verification SET expires_at = now() - interval '1 second' WHERE id = ?::uuid "
                + "RETURNING id", id);
        // Nobody touches it: the sweeper ends it and says so.
        JsonNode failed = Fixtures.awaitEvent(alice.accountId(), "verification.failed.v1", id);
        assertEquals("expired", failed.get("reason").asText());
        assertEquals("p1", failed.get("entryRef").asText());
        assertEquals("expired", status(id));
        assertEquals("proof_required", status(fresh));
        assertEquals(1, Fixtures.records(Fixtures.EVENTS, alice.accountId(), "verification.failed.v1").size());
    }

    @Test
    void ofTwoConcurrentCorrectSubmissionsExactlyOneSucceeds() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        CodeSent sent = codeSent(alice);
        String id = sent.verificationId();
        String code = sent.code();
        String bearer = alice.bearer();

        int parallel = 4;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            Callable<Integer> submit = () -> {
                go.await();
                return given().header("Authorization", bearer).contentType("application/json")
                        .body(Map.of("code", code)).post("/v1/verifications/" + id + "/code").statusCode();
            };
            results.add(pool.submit(submit));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> result : results) {
            statuses.add(result.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "statuses " + statuses);
        statuses.stream().filter(s -> s != 200).forEach(s -> assertTrue(s == 409 || s == 410, "statuses " + statuses));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid "
                + "AND action = 'verification.code' AND outcome = 'success'", id));
        assertEquals("verified", status(id));
        assertNotEquals(null, Fixtures.awaitEvent(alice.accountId(), "verification.succeeded.v1", id));
    }
}
