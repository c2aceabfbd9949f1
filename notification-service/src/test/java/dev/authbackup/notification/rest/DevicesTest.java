package dev.authbackup.notification.rest;

import static dev.authbackup.notification.support.DeviceFixtures.PROBLEM;
import static dev.authbackup.notification.support.DeviceFixtures.authorize;
import static dev.authbackup.notification.support.DeviceFixtures.post;
import static dev.authbackup.notification.support.DeviceFixtures.registeredKey;
import static dev.authbackup.notification.support.DeviceFixtures.secretOf;
import static dev.authbackup.notification.support.DeviceFixtures.sign;
import static dev.authbackup.notification.support.DeviceFixtures.totp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.notification.support.DeviceFixtures.DeviceKey;
import dev.authbackup.notification.support.Gateways;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/devices lists keys and credentials without secrets; DELETE revokes all of a device's; per account. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class DevicesTest {

    @BeforeAll
    static void clean() {
        TestDatabase.truncateAll();
    }

    @Test
    void aRevokedDeviceLosesItsKeysAndCredentialsAndOnlyItsOwnerCanRevokeIt() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        DeviceKey key = registeredKey(alice, "old-phone", "apns");
        UUID recovery = authorize(alice, "old-phone", "e1", "device_credential", true, Duration.ofHours(1));
        String uri = post(alice, "/v1/devices/old-phone/credentials",
                Map.of("recoveryId", recovery.toString(), "entryRef", "e1")).statusCode(201).extract().path("otpauthUri");
        registeredKey(alice, "new-phone", "fcm");

        String list = given().header("Authorization", alice.bearer()).get("/v1/devices").then().statusCode(200)
                .body("size()", equalTo(2))
                .body("find { it.deviceId == 'old-phone' }.keys[0].keyId", equalTo(key.keyId().toString()))
                .body("find { it.deviceId == 'old-phone' }.keys[0].provider", equalTo("apns"))
                .body("find { it.deviceId == 'old-phone' }.credentials.size()", equalTo(1))
                .body("find { it.deviceId == 'new-phone' }.keys[0].provider", equalTo("fcm"))
                .body(not(containsString("secret"))).body(not(containsString("publicKey")))
                .body(not(containsString("pushToken")))
                .extract().asString();
        assertEquals(-1, list.indexOf(Base64.getEncoder().encodeToString(key.pair().getPublic().getEncoded())));

        // bob cannot revoke (or learn of) alice's device.
        given().header("Authorization", bob.bearer()).delete("/v1/devices/old-phone").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "not-found"));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM push_key WHERE account_id = ? AND revoked_at IS NOT NULL",
                alice.accountId()));
        given().header("Authorization", alice.bearer()).delete("/v1/devices/no-such-phone").then().statusCode(404);

        given().header("Authorization", alice.bearer()).delete("/v1/devices/old-phone").then().statusCode(204);
        given().header("Authorization", alice.bearer()).get("/v1/devices").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].deviceId", equalTo("new-phone"));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM push_key WHERE account_id = ? AND revoked_at IS NOT NULL",
                alice.accountId()));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM device_credential WHERE account_id = ? "
                + "AND revoked_at IS NOT NULL", alice.accountId()));
        given().header("Authorization", alice.bearer()).delete("/v1/devices/old-phone").then().statusCode(404);

        // Its credential no longer verifies; its key no longer answers approvals.
        post(alice, "/v1/codes/verify", Map.of("code", totp(secretOf(uri), Instant.now()))).statusCode(200)
                .body("valid", equalTo(false));
        String approval = post(alice, "/v1/push-approvals", null).statusCode(201)
                .body("devices", equalTo(java.util.List.of("new-phone"))).extract().path("id");
        byte[] challenge = (byte[]) TestDatabase.scalar("SELECT challenge FROM push_approval WHERE id = ?::uuid", approval);
        post(alice, "/v1/push-approvals/" + approval + "/responses", Map.of("deviceId", "old-phone",
                "keyId", key.keyId().toString(), "approve", true, "signature", sign(key.pair().getPrivate(), challenge)))
                .statusCode(403).body("type", equalTo(PROBLEM + "key-not-registered"));
    }
}
