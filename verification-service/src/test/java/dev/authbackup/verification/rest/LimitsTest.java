package dev.authbackup.verification.rest;

import static dev.authbackup.verification.Fixtures.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.verification.Fixtures;
import dev.authbackup.verification.Fixtures.Entry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits of the security rules, with the short windows of the test profile (8 s instead of an hour or
 * a minute): the attempt after the limit is 429 with Retry-After, and the counter resets after its window.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class LimitsTest {

    /** The %test windows, in seconds. */
    private static final int WINDOW = 8;

    @BeforeAll
    static void setUp() {
        Fixtures.open();
    }

    private static Response post(TestIssuer.Token token, String path, Object body) {
        return given().header("Authorization", token.bearer()).contentType("application/json").body(body).post(path);
    }

    private static void assertTooManyAttempts(Response response, String limit) {
        response.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "too-many-attempts")).body("limit", equalTo(limit));
        int retryAfter = Integer.parseInt(response.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= WINDOW, "Retry-After " + retryAfter);
    }

    @Test
    void atMostFiveCodeSendsPerAccountAndWindow() {
        TestIssuer.Token alice = TestIssuer.token();
        for (int i = 1; i <= 5; i++) {
            post(alice, "/v1/security-info", Map.of("type", "email", "value", "a" + i + "@example.com"))
                    .then().statusCode(201);
        }
        assertTooManyAttempts(post(alice, "/v1/security-info", Map.of("type", "email", "value", "a6@example.com")),
                "code_sends");
        assertEquals(5, TestDatabase.count("SELECT count(*) FROM security_info WHERE account_id = ?", alice.accountId()));
        // Another account is not affected.
        post(TestIssuer.token(), "/v1/security-info", Map.of("type", "email", "value", "b@example.com")).then().statusCode(201);

        // After the window, sending works again (refused attempts did not extend it).
        await().atMost(Duration.ofSeconds(WINDOW * 3L)).pollInterval(Duration.ofMillis(500)).until(() ->
                post(alice, "/v1/security-info", Map.of("type", "email", "value", "a6@example.com")).statusCode() == 201);
        assertEquals(6, TestDatabase.count("SELECT count(*) FROM security_info WHERE account_id = ?", alice.accountId()));
    }

    @Test
    void atMostTenFailedVerificationsPerAccountAndWindow() {
        TestIssuer.Token alice = TestIssuer.token();
        Fixtures.StepUp stepUp = Fixtures.stepUp(alice, "alice@example.com");
        String proofId = stepUp.proofId();
        String id = stepUp.verificationId();
        String pending = post(alice, "/v1/security-info", Map.of("type", "phone", "value", "+15550100002"))
                .then().statusCode(201).extract().path("id");

        for (int i = 0; i < 10; i++) {
            post(alice, "/v1/verifications/" + id + "/proof", Map.of("proofId", proofId, "value", "eve@example.com"))
                    .then().statusCode(422).body("type", equalTo(PROBLEM + "proof-mismatch"));
        }
        // The 11th attempt is refused before it is checked: even the right value.
        assertTooManyAttempts(post(alice, "/v1/verifications/" + id + "/proof",
                Map.of("proofId", proofId, "value", "alice@example.com")), "failures");
        assertTooManyAttempts(post(alice, "/v1/security-info/" + pending + "/confirm", Map.of("code", "12345678")),
                "failures");
        assertEquals("proof_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", id));
        assertEquals(2, Fixtures.auditRows(2, "SELECT count(*) FROM verification_audit WHERE account_id = ? "
                + "AND outcome = 'too-many-attempts'", alice.accountId()));

        await().atMost(Duration.ofSeconds(WINDOW * 3L)).pollInterval(Duration.ofMillis(500)).until(() ->
                post(alice, "/v1/verifications/" + id + "/proof", Map.of("proofId", proofId, "value", "alice@example.com"))
                        .statusCode() == 202);
        assertEquals("code_sent", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", id));
    }

    @Test
    void concurrentFailuresNeverOvershootTheLimit() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        Fixtures.StepUp stepUp = Fixtures.stepUp(alice, "alice@example.com");
        String proofId = stepUp.proofId();
        String id = stepUp.verificationId();
        String bearer = alice.bearer();
        int attempts = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return given().header("Authorization", bearer).contentType("application/json")
                        .body(Map.of("proofId", proofId, "value", "eve@example.com"))
                        .post("/v1/verifications/" + id + "/proof").statusCode();
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<Integer> result : results) {
            statuses.add(result.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        pool.shutdown();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // Refusals at the same moment share the audit's batches (group commit): still exactly one row each.
        assertEquals(attempts, Fixtures.auditRows(attempts, """
                SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid AND action = 'verification.proof'""",
                id));
        // Only meaningful if all of them fell into one window; on a machine too slow for that, say so.
        org.junit.jupiter.api.Assumptions.assumeTrue(elapsedMillis < (WINDOW - 1) * 1000L,
                "attempts took " + elapsedMillis + " ms, longer than one window");
        assertEquals(10, statuses.stream().filter(s -> s == 422).count(), "statuses " + statuses);
        assertEquals(attempts - 10, statuses.stream().filter(s -> s == 429).count(), "statuses " + statuses);
    }

    @Test
    void atMostNActivationAttemptsPerTenantAndWindow() {
        String tenant = "limits-" + UUID.randomUUID().toString().substring(0, 8);
        TestIssuer.Token admin = TestIssuer.token().roles("provider-admin").tenant(tenant);
        String code = given().header("Authorization", admin.bearer()).contentType("application/json")
                .body(Map.of("upn", "kate@contoso.com")).post("/v1/tenants/" + tenant + "/activation-codes")
                .then().statusCode(201).extract().path("code");
        String wrong = code.equals("000000000000") ? "111111111111" : "000000000000";
        // Attempts of several accounts count together for the tenant (6 per window in the test profile).
        String[] ids = new String[3];
        TestIssuer.Token[] users = new TestIssuer.Token[3];
        for (int u = 0; u < 3; u++) {
            users[u] = TestIssuer.token();
            UUID recovery = Fixtures.startRecovery(users[u].accountId(), "dev-1", new Entry("w1", "work_school", "verification"));
            ids[u] = Fixtures.startVerification(users[u], recovery, "w1", "dev-1", "activation_code");
        }
        for (int i = 0; i < 6; i++) {
            post(users[i % 3], "/v1/verifications/" + ids[i % 3] + "/activation",
                    Map.of("tenant", tenant, "upn", "kate@contoso.com", "code", wrong))
                    .then().statusCode(422).body("type", equalTo(PROBLEM + "invalid-activation-code"));
        }
        assertTooManyAttempts(post(users[0], "/v1/verifications/" + ids[0] + "/activation",
                Map.of("tenant", tenant, "upn", "kate@contoso.com", "code", code)), "activation_attempts");
        assertEquals("activation_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", ids[0]));

        await().atMost(Duration.ofSeconds(WINDOW * 3L)).pollInterval(Duration.ofMillis(500)).until(() ->
                post(users[0], "/v1/verifications/" + ids[0] + "/activation",
                        Map.of("tenant", tenant, "upn", "kate@contoso.com", "code", code)).statusCode() == 200);
        assertEquals("verified", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?::uuid", ids[0]));
    }
}
