package dev.authbackup.verification.rest;

import static dev.authbackup.verification.Fixtures.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With Redis unreachable, every step that needs a code or a limit fails closed: 503, nothing changes. */
@QuarkusTest
@TestProfile(RedisDownTest.RedisUnreachable.class)
@WithTestResource(TestIssuer.class)
class RedisDownTest {

    /** Points the Redis client at a port where nothing listens. */
    public static class RedisUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:1/1", "quarkus.redis.timeout", "1s");
        }
    }

    @BeforeAll
    static void clean() {
        TestDatabase.truncateAll();
    }

    private static ValidatableResponse post(TestIssuer.Token token, String path, Object body) {
        return given().header("Authorization", token.bearer()).contentType("application/json").body(body).post(path).then();
    }

    private static void assertUnavailable(ValidatableResponse response) {
        response.statusCode(503).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "service-unavailable"));
    }

    @Test
    void everyCodeAndLimitStepIs503AndChangesNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID proof = UUID.randomUUID();
        UUID recovery = UUID.randomUUID();
        UUID proofStep = UUID.randomUUID();
        UUID codeStep = UUID.randomUUID();
        UUID activationStep = UUID.randomUUID();
        TestDatabase.scalar("""
                INSERT INTO security_info (id, account_id, type, value, hint, confirmed, created_at)
                VALUES (?, ?, 'email', 'alice@example.com', 'al******@example.com', TRUE, now()) RETURNING id""",
                proof, alice.accountId());
        for (Object[] v : new Object[][] {{proofStep, "password_and_proof", "proof_required"},
                {codeStep, "password_and_proof", "code_sent"}, {activationStep, "activation_code", "activation_required"}}) {
            TestDatabase.scalar("""
                    INSERT INTO verification (id, account_id, recovery_id, entry_ref, device_id, method, status, created_at, expires_at)
                    VALUES (?, ?, ?, 'p1', 'dev-1', ?, ?, now(), now() + interval '10 minutes') RETURNING id""",
                    v[0], alice.accountId(), recovery, v[1], v[2]);
        }

        assertUnavailable(post(alice, "/v1/security-info", Map.of("type", "email", "value", "bob@example.com")));
        assertUnavailable(post(alice, "/v1/verifications/" + proofStep + "/proof",
                Map.of("proofId", proof.toString(), "value", "alice@example.com")));
        assertUnavailable(post(alice, "/v1/verifications/" + codeStep + "/code", Map.of("code", "12345678")));
        assertUnavailable(post(alice, "/v1/verifications/" + activationStep + "/activation",
                Map.of("tenant", "contoso", "upn", "kate@contoso.com", "code", "123456789012")));

        assertEquals(1, TestDatabase.count("SELECT count(*) FROM security_info WHERE account_id = ?", alice.accountId()));
        assertEquals("proof_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?", proofStep));
        assertEquals("code_sent", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?", codeStep));
        assertEquals("activation_required", TestDatabase.scalar("SELECT status FROM verification WHERE id = ?", activationStep));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event WHERE message_key = ?", alice.accountId()));
        // The refusals are audited all the same: with no Redis to stage them in, straight into the table.
        assertEquals(4, TestDatabase.count("SELECT count(*) FROM verification_audit WHERE account_id = ? "
                + "AND outcome = 'service-unavailable' AND staged_id IS NULL", alice.accountId()));
        // Readiness says so too.
        given().get("/q/health/ready").then().statusCode(503);
    }
}
