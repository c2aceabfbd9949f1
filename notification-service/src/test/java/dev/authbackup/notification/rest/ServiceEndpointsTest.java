package dev.authbackup.notification.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.authbackup.notification.support.Gateways;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public time endpoint, token-only /v1, per-account device lists, and the RFC 9457 fallbacks. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class ServiceEndpointsTest {

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void timeIsPublic() {
        long before = System.currentTimeMillis();
        given().get("/v1/time").then().statusCode(200).body("epochMillis", greaterThan(before - 1000));
    }

    @Test
    void devicesNeedATokenAndListOnlyTheAccountsOwn() {
        TestIssuer.Token alice = TestIssuer.token();
        TestDatabase.scalar("INSERT INTO device (account_id, device_id, created_at, last_seen_at) VALUES (?, 'phone-a', now(), now()) RETURNING device_id",
                alice.accountId());
        given().get("/v1/devices").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        given().header("Authorization", alice.bearer()).get("/v1/devices").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].deviceId", equalTo("phone-a"));
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/devices").then().statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void unknownPathsAndMethodsAreProblems() {
        String token = TestIssuer.token().bearer();
        given().header("Authorization", token).get("/v1/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("https://authbackup.dev/problems/not-found"));
        given().header("Authorization", token).delete("/v1/time").then().statusCode(405)
                .contentType("application/problem+json").header("Allow", "GET, HEAD, OPTIONS")
                .body("type", equalTo("https://authbackup.dev/problems/method-not-allowed"));
    }

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("Kafka connection health check"));
    }
}
