package dev.authbackup.backup.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The real bearer-token path: signature, issuer, audience and expiry decide, and failures are problems. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class BearerTokenTest {

    private static final String PROFILE = "/v1/backup-profile";

    @Test
    void withoutATokenTheAnswerIs401WithABearerChallenge() {
        given().when().get(PROFILE).then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("https://authbackup.dev/problems/unauthorized"))
                .body("status", equalTo(401));
    }

    @Test
    void aValidTokenIsAccepted() {
        given().header("Authorization", TestIssuer.token().bearer()).when().get(PROFILE).then().statusCode(200);
    }

    @Test
    void aTokenForAnotherAudienceIsRejected() {
        rejected(TestIssuer.token().audience("some-other-api").bearer());
    }

    @Test
    void aTokenFromAnotherIssuerIsRejected() {
        rejected(TestIssuer.token().issuer("https://evil.example/realms/authenticator").bearer());
    }

    @Test
    void anExpiredTokenIsRejected() {
        rejected(TestIssuer.token().expiresIn(-120).bearer());
    }

    @Test
    void aTokenSignedWithAnUnknownKeyIsRejected() {
        rejected(TestIssuer.token().signedByStranger().bearer());
    }

    @Test
    void garbageIsRejected() {
        rejected("Bearer not-a-jwt");
    }

    private static void rejected(String authorization) {
        given().header("Authorization", authorization).when().get(PROFILE).then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("https://authbackup.dev/problems/unauthorized"));
    }
}
