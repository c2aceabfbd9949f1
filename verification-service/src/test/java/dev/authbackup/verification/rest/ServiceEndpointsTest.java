package dev.authbackup.verification.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness covers PostgreSQL, Redis and Kafka; /v1 needs a token; another account's object is 404; the benchmark's
 * empty endpoint is off.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class ServiceEndpointsTest {

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void readinessChecksTheDatabaseRedisAndKafka() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Redis connection health check"))
                .body(containsString("Kafka connection health check"))
                .body(containsString("Reactive PostgreSQL connections health check"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void metricsAndOpenApiArePublic() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get("/q/openapi?format=json").then().statusCode(200).body(containsString("/v1/verifications/{id}"))
                .body(containsString("/v1/verifications/{id}/code"))
                .body(containsString("/v1/security-info/{id}/confirm"))
                .body(containsString("/v1/tenants/{tenant}/activation-codes/{id}/qr.png"));
    }

    @Test
    void aVerificationIsVisibleOnlyToItsOwnAccount() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID id = UUID.randomUUID();
        TestDatabase.scalar("""
                INSERT INTO verification (id, account_id, recovery_id, entry_ref, device_id, method, status, created_at, expires_at)
                VALUES (?, ?, ?, 'e1', 'dev-1', 'password_and_proof', 'proof_required', now(), now() + interval '10 minutes')
                RETURNING id""", id, alice.accountId(), UUID.randomUUID());

        given().get("/v1/verifications/" + id).then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", alice.bearer()).get("/v1/verifications/" + id).then()
                .statusCode(200).body("status", equalTo("proof_required")).body("method", equalTo("password_and_proof"));
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/verifications/" + id).then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://authbackup.dev/problems/not-found"));
    }

    /** The benchmark's empty endpoint is off unless the benchmark turns it on, and never in the API document. */
    @Test
    void theBenchmarksEmptyEndpointIsOffAndUndocumented() {
        given().get("/v1/bench/empty").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/bench/empty").then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://authbackup.dev/problems/not-found"));
        given().get("/q/openapi?format=json").then().statusCode(200).body(not(containsString("/v1/bench")));
    }
}
