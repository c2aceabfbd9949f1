package dev.authbackup.verification.rest;

import static dev.authbackup.verification.Fixtures.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.verification.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alternate emails and phones: normalised, masked, confirmed by code, changes announced to the other proofs. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class SecurityInfoResourceTest {

    @BeforeAll
    static void setUp() {
        Fixtures.open();
    }

    private static ValidatableResponse add(TestIssuer.Token token, String type, String value) {
        return given().header("Authorization", token.bearer()).contentType("application/json")
                .body(Map.of("type", type, "value", value)).post("/v1/security-info").then();
    }

    private static long proofs(TestIssuer.Token token) {
        return TestDatabase.count("SELECT count(*) FROM security_info WHERE account_id = ?", token.accountId());
    }

    @Test
    void anAddedPhoneIsNormalisedMaskedAndConfirmedWithTheCodeSentToIt() {
        TestIssuer.Token alice = TestIssuer.token();
        String id = add(alice, "phone", "+1 (555) 010-0001").statusCode(201)
                .body("hint", equalTo("+1******0001")).body("confirmed", equalTo(false))
                .body(not(containsString("5550100001"))).extract().path("id");
        assertEquals("+15550100001", TestDatabase.scalar("SELECT value FROM security_info WHERE id = ?::uuid", id));
        JsonNode delivery = Fixtures.codeDelivery(alice.accountId(), 1);
        assertEquals("sms", delivery.get("channel").asText());
        assertEquals("+15550100001", delivery.get("to").asText());
        assertEquals("confirm_security_info", delivery.get("purpose").asText());
        String code = delivery.get("code").asText();

        String wrong = Fixtures.wrongCode(code);
        given().header("Authorization", alice.bearer()).contentType("application/json").body(Map.of("code", wrong))
                .post("/v1/security-info/" + id + "/confirm").then().statusCode(422)
                .body("type", equalTo(PROBLEM + "invalid-code")).body("attemptsRemaining", equalTo(4));
        given().header("Authorization", alice.bearer()).get("/v1/security-info").then().statusCode(200)
                .body("confirmed", contains(false));
        given().header("Authorization", alice.bearer()).contentType("application/json").body(Map.of("code", code))
                .post("/v1/security-info/" + id + "/confirm").then().statusCode(200).body("confirmed", equalTo(true));
        // The wrong code was audited once, staged by the code check; the confirmation in its own transaction.
        assertEquals(1, Fixtures.auditRows(1, "SELECT count(*) FROM verification_audit WHERE subject_id = ?::uuid "
                + "AND action = 'security-info.confirm' AND outcome = 'invalid-code' AND staged_id IS NOT NULL", id));
        given().header("Authorization", alice.bearer()).get("/v1/security-info").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].id", equalTo(id)).body("[0].type", equalTo("phone"))
                .body("[0].hint", equalTo("+1******0001")).body("[0].confirmed", equalTo(true))
                .body(not(containsString("5550100001")));

        JsonNode confirmed = Fixtures.awaitEvent(alice.accountId(), "verification.security-info-changed.v1", id);
        assertEquals("phone", confirmed.get("type").asText());
        assertFalse(confirmed.has("value") || confirmed.has("hint"), "no value or hint in events");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Fixtures.records(Fixtures.EVENTS,
                alice.accountId(), "verification.security-info-changed.v1").size() == 2);
        List<String> changes = Fixtures.records(Fixtures.EVENTS, alice.accountId(), "verification.security-info-changed.v1")
                .stream().map(r -> Fixtures.data(r).get("change").asText()).collect(Collectors.toList());
        assertEquals(List.of("added", "confirmed"), changes);
    }

    @Test
    void addingAndRemovingAProofNotifiesTheOtherConfirmedProofs() {
        TestIssuer.Token alice = TestIssuer.token();
        Fixtures.addConfirmedProof(alice, "email", "alice@example.com");
        String phone = Fixtures.addConfirmedProof(alice, "phone", "+44 7700 900123");
        // The email heard of the phone being added.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> notices(alice).size() == 1);
        JsonNode added = notices(alice).get(0);
        assertEquals("security_info_added", added.get("notice").asText());
        assertEquals("alice@example.com", added.get("to").asText());
        assertEquals("email", added.get("channel").asText());
        assertEquals("+4******0123", added.get("proofHint").asText());
        assertFalse(added.has("code"));

        given().header("Authorization", alice.bearer()).delete("/v1/security-info/" + phone).then().statusCode(204);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> notices(alice).size() == 2);
        JsonNode removed = notices(alice).get(1);
        assertEquals("security_info_removed", removed.get("notice").asText());
        assertEquals("alice@example.com", removed.get("to").asText());
        assertEquals(1, proofs(alice));
        Fixtures.awaitEvent(alice.accountId(), "verification.security-info-changed.v1", phone);
    }

    private static List<JsonNode> notices(TestIssuer.Token token) {
        return Fixtures.records(Fixtures.DELIVERIES, token.accountId(), "verification.notice-delivery.v1").stream()
                .map(Fixtures::data).collect(Collectors.toList());
    }

    @Test
    void addingAndRemovingNeedAFreshSignInAndChangeNothingWithout() {
        TestIssuer.Token alice = TestIssuer.token();
        String id = Fixtures.addConfirmedProof(alice, "email", "alice@example.com");
        TestIssuer.Token stale = TestIssuer.token(alice.subject()).signedInSecondsAgo(600);
        add(stale, "email", "bob@example.com").statusCode(401)
                .header("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", max_age=300")
                .body("type", equalTo(PROBLEM + "insufficient-user-authentication"));
        given().header("Authorization", stale.bearer()).delete("/v1/security-info/" + id).then().statusCode(401)
                .body("type", equalTo(PROBLEM + "insufficient-user-authentication"));
        assertEquals(1, proofs(alice));
        assertEquals(2, Fixtures.auditRows(2, "SELECT count(*) FROM verification_audit WHERE account_id = ? "
                + "AND outcome = 'insufficient-user-authentication'", alice.accountId()));
        // Reading and confirming do not need one.
        given().header("Authorization", stale.bearer()).get("/v1/security-info").then().statusCode(200).body("$", hasSize(1));
    }

    @Test
    void invalidValuesDuplicatesAndForeignProofsAreRefused() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token mallory = TestIssuer.token();
        for (String[] bad : List.of(new String[] {"email", "not-an-email"}, new String[] {"email", "a@b"},
                new String[] {"phone", "555 0100"}, new String[] {"phone", "+1 555 CALL NOW"},
                new String[] {"phone", "+1234567890123456"})) {
            add(alice, bad[0], bad[1]).statusCode(422).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "validation-failed"));
        }
        add(alice, "pigeon", "coo").statusCode(400).body("type", equalTo(PROBLEM + "malformed-request"));
        assertEquals(0, proofs(alice));

        String id = Fixtures.addConfirmedProof(alice, "email", "Alice@Example.com");
        add(alice, "email", " alice@example.COM").statusCode(409).body("type", equalTo(PROBLEM + "security-info-exists"));
        assertEquals(1, proofs(alice));

        given().header("Authorization", mallory.bearer()).delete("/v1/security-info/" + id).then().statusCode(404)
                .body("type", equalTo(PROBLEM + "not-found"));
        given().header("Authorization", mallory.bearer()).contentType("application/json").body(Map.of("code", "12345678"))
                .post("/v1/security-info/" + id + "/confirm").then().statusCode(404);
        given().header("Authorization", mallory.bearer()).get("/v1/security-info").then().statusCode(200).body("$", hasSize(0));
        given().header("Authorization", alice.bearer()).contentType("application/json").body(Map.of("code", "12345678"))
                .post("/v1/security-info/" + id + "/confirm").then().statusCode(409)
                .body("type", equalTo(PROBLEM + "already-confirmed"));
        assertEquals(1, proofs(alice));
        assertTrue((Boolean) TestDatabase.scalar("SELECT confirmed FROM security_info WHERE id = ?::uuid", id));
    }

    /** Sends the same request from two threads released at once; answers the two statuses, sorted. */
    private static List<Integer> twiceAtOnce(java.util.concurrent.Callable<Integer> request) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return request.call();
            }));
        }
        go.countDown();
        List<Integer> statuses = new java.util.ArrayList<>();
        for (var result : results) {
            statuses.add(result.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        pool.shutdown();
        return statuses.stream().sorted().collect(Collectors.toList());
    }

    @Test
    void ofTwoConcurrentAddsOfOneValueOneIsStored() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        String bearer = alice.bearer();
        assertEquals(List.of(201, 409), twiceAtOnce(() -> given().header("Authorization", bearer)
                .contentType("application/json").body(Map.of("type", "email", "value", "same@example.com"))
                .post("/v1/security-info").statusCode()));
        assertEquals(1, proofs(alice));
    }

    @Test
    void ofTwoConcurrentRemovalsOfOneProofOneRemovesItAndOnlyItTellsTheOthers() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        Fixtures.addConfirmedProof(alice, "email", "alice@example.com");
        String phone = Fixtures.addConfirmedProof(alice, "phone", "+44 7700 900456");
        String bearer = alice.bearer();
        assertEquals(List.of(204, 404), twiceAtOnce(() -> given().header("Authorization", bearer)
                .delete("/v1/security-info/" + phone).statusCode()));
        assertEquals(1, proofs(alice));
        // The removal's audit row, notice and event are written in its transaction: one removal, one of each.
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM verification_audit WHERE account_id = ? "
                + "AND action = 'security-info.remove' AND outcome = 'success'", alice.accountId()));
    }

    @Test
    void anUnconfirmedProofCannotBeUsedForStepUp() {
        TestIssuer.Token alice = TestIssuer.token();
        add(alice, "email", "pending@example.com").statusCode(201);
        var recovery = Fixtures.startRecovery(alice.accountId(), "dev-1",
                new Fixtures.Entry("p1", "personal", "verification"));
        given().header("Authorization", alice.bearer()).contentType("application/json")
                .body(Map.of("recoveryId", recovery.toString(), "entryRef", "p1", "deviceId", "dev-1",
                        "method", "password_and_proof"))
                .post("/v1/verifications").then().statusCode(409).body("type", equalTo(PROBLEM + "no-confirmed-proof"));
    }
}
