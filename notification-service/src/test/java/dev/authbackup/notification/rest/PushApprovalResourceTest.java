package dev.authbackup.notification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.authbackup.notification.support.DeviceFixtures.PROBLEM;
import static dev.authbackup.notification.support.DeviceFixtures.p256;
import static dev.authbackup.notification.support.DeviceFixtures.registeredKey;
import static dev.authbackup.notification.support.DeviceFixtures.sign;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.authbackup.notification.support.DeviceFixtures;
import dev.authbackup.notification.support.DeviceFixtures.DeviceKey;
import dev.authbackup.notification.support.Gateways;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in approvals: pushed to every key of the account through APNs and FCM (WireMock), answered with a
 * signature over the challenge by a registered key; refused otherwise; push-bombing limited.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class PushApprovalResourceTest {

    @BeforeAll
    static void clean() {
        TestDatabase.truncateAll();
    }

    private static String token(DeviceKey key) {
        return (String) TestDatabase.scalar("SELECT push_token FROM push_key WHERE id = ?", key.keyId());
    }

    private static ValidatableResponse start(TestIssuer.Token token) {
        return DeviceFixtures.post(token, "/v1/push-approvals", null);
    }

    private static List<Map<String, Object>> pending(TestIssuer.Token token, String device) {
        return given().header("Authorization", token.bearer()).get("/v1/devices/" + device + "/push-approvals")
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    private static byte[] challenge(TestIssuer.Token token, String device, String approvalId) {
        return pending(token, device).stream().filter(a -> approvalId.equals(a.get("id")))
                .map(a -> Base64.getDecoder().decode((String) a.get("challenge")))
                .findFirst().orElseThrow(() -> new AssertionError("approval not pending for " + device));
    }

    private static ValidatableResponse respond(TestIssuer.Token token, String approvalId, String device, UUID keyId,
            boolean approve, PrivateKey signer, byte[] challenge) {
        Map<String, Object> body = new HashMap<>();
        body.put("deviceId", device);
        body.put("keyId", keyId.toString());
        body.put("approve", approve);
        body.put("signature", sign(signer, challenge));
        return DeviceFixtures.post(token, "/v1/push-approvals/" + approvalId + "/responses", body);
    }

    private static long responses(String approvalId) {
        return TestDatabase.count("SELECT count(*) FROM push_approval_response WHERE approval_id = ?::uuid", approvalId);
    }

    @Test
    void anApprovalIsPushedToEveryDeviceAndTheNewDevicesSignatureApprovesIt() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        DeviceKey oldPhone = registeredKey(alice, "old-phone", "apns");
        DeviceKey newPhone = registeredKey(alice, "new-phone", "fcm");

        String id = start(alice).statusCode(201).body("devices", containsInAnyOrder("old-phone", "new-phone"))
                .body("expiresAt", notNullValue()).extract().path("id");

        List<LoggedRequest> apns = Gateways.wireMock().find(postRequestedFor(
                urlPathEqualTo("/push/apns/3/device/" + token(oldPhone))));
        assertEquals(1, apns.size());
        assertTrue(apns.get(0).getHeader("authorization").startsWith("bearer "));
        String jwtHeader = new String(Base64.getUrlDecoder().decode(apns.get(0).getHeader("authorization")
                .substring(7).split("\\.")[0]));
        assertTrue(jwtHeader.contains("\"alg\":\"ES256\""), jwtHeader);
        assertEquals("dev.authbackup.authenticator", apns.get(0).getHeader("apns-topic"));
        List<LoggedRequest> fcm = Gateways.wireMock().find(postRequestedFor(
                urlPathEqualTo("/push/fcm/v1/projects/authbackup-local/messages:send")));
        JsonNode message = fcm.stream().map(r -> {
            try {
                return new ObjectMapper().readTree(r.getBodyAsString()).get("message");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(m -> token(newPhone).equals(m.get("token").asText())).findFirst().orElseThrow();
        assertEquals(id, message.get("data").get("approvalId").asText());

        byte[] challenge = challenge(alice, "new-phone", id);
        assertEquals(32, challenge.length);
        registeredKey(alice, "later-phone", "fcm");
        assertTrue(pending(alice, "later-phone").isEmpty(), "keyed after the approval started: never pushed to it");
        assertEquals(Base64.getEncoder().encodeToString(challenge), message.get("data").get("challenge").asText());
        respond(alice, id, "new-phone", newPhone.keyId(), true, newPhone.pair().getPrivate(), challenge)
                .statusCode(200).body("status", equalTo("approved"));
        assertEquals("approved", TestDatabase.scalar("SELECT status FROM push_approval WHERE id = ?::uuid", id));
        assertTrue(pending(alice, "new-phone").isEmpty(), "answered: no longer pending for the new phone");
        assertTrue(pending(alice, "old-phone").isEmpty(), "answered on the new phone: no longer pending anywhere");

        // The old phone may answer too; its answer is recorded, and the same key cannot answer twice.
        respond(alice, id, "old-phone", oldPhone.keyId(), false, oldPhone.pair().getPrivate(), challenge)
                .statusCode(200).body("status", equalTo("denied"));
        respond(alice, id, "old-phone", oldPhone.keyId(), true, oldPhone.pair().getPrivate(), challenge)
                .statusCode(409).body("type", equalTo(PROBLEM + "approval-answered"));
        assertEquals(2, responses(id));
    }

    @Test
    void aResponseByAnUnregisteredKeyIsRefusedAndChangesNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        DeviceKey newPhone = registeredKey(alice, "new-phone", "apns");
        DeviceKey oldPhone = registeredKey(alice, "old-phone", "apns");
        DeviceKey bobsPhone = registeredKey(bob, "bobs-phone", "apns");
        String id = start(alice).statusCode(201).extract().path("id");
        byte[] challenge = challenge(alice, "new-phone", id);

        // A key the service never registered (unknown id), one of another device, one of another account.
        respond(alice, id, "new-phone", UUID.randomUUID(), true, p256().getPrivate(), challenge).statusCode(403)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "key-not-registered"));
        respond(alice, id, "new-phone", oldPhone.keyId(), true, oldPhone.pair().getPrivate(), challenge)
                .statusCode(403);
        respond(alice, id, "bobs-phone", bobsPhone.keyId(), true, bobsPhone.pair().getPrivate(), challenge)
                .statusCode(403);
        // The registered key's id, signed by a key pair that is not registered: invalid proof.
        respond(alice, id, "new-phone", newPhone.keyId(), true, p256().getPrivate(), challenge).statusCode(422)
                .body("type", equalTo(PROBLEM + "invalid-proof"));
        // Signed over other bytes.
        respond(alice, id, "new-phone", newPhone.keyId(), true, newPhone.pair().getPrivate(), new byte[32])
                .statusCode(422).body("type", equalTo(PROBLEM + "invalid-proof"));
        // bob cannot see or answer alice's approval at all.
        respond(bob, id, "bobs-phone", bobsPhone.keyId(), true, bobsPhone.pair().getPrivate(), challenge)
                .statusCode(404).body("type", equalTo(PROBLEM + "not-found"));
        respond(alice, "not-a-uuid", "new-phone", newPhone.keyId(), true, newPhone.pair().getPrivate(), challenge)
                .statusCode(404);
        assertTrue(pending(bob, "bobs-phone").isEmpty());
        assertEquals(0, responses(id));
        assertEquals("pending", TestDatabase.scalar("SELECT status FROM push_approval WHERE id = ?::uuid", id));

        // Expired: 410, nothing recorded.
        TestDatabase.execute("UPDATE push_approval SET expires_at = now() - interval '1 second' WHERE id = ?::uuid", id);
        respond(alice, id, "new-phone", newPhone.keyId(), true, newPhone.pair().getPrivate(), challenge)
                .statusCode(410).body("type", equalTo(PROBLEM + "approval-expired"));
        assertEquals(0, responses(id));
    }

    @Test
    void pushBombingIsLimitedWithRetryAfter() {
        TestIssuer.Token alice = TestIssuer.token();
        registeredKey(alice, "new-phone", "apns");
        for (int i = 0; i < 3; i++) {
            start(alice).statusCode(201);
        }
        start(alice).statusCode(429).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "too-many-approvals")).header("Retry-After", notNullValue());
        assertEquals(3, TestDatabase.count("SELECT count(*) FROM push_approval WHERE account_id = ?", alice.accountId()));

        // Answered approvals are no longer open, but their pushes still count: 10 per 10 minutes.
        TestDatabase.execute("UPDATE push_approval SET status = 'denied' WHERE account_id = ?", alice.accountId());
        for (int i = 0; i < 7; i++) {
            start(alice).statusCode(201);
            TestDatabase.execute("UPDATE push_approval SET status = 'denied' WHERE account_id = ?", alice.accountId());
        }
        String retryAfter = start(alice).statusCode(429).body("type", equalTo(PROBLEM + "too-many-approvals"))
                .extract().header("Retry-After");
        assertTrue(Long.parseLong(retryAfter) > 0 && Long.parseLong(retryAfter) <= 600, retryAfter);
        assertEquals(10, TestDatabase.count("SELECT count(*) FROM push_approval WHERE account_id = ?", alice.accountId()));
        // Another account is not affected.
        TestIssuer.Token bob = TestIssuer.token();
        registeredKey(bob, "bobs-phone", "fcm");
        start(bob).statusCode(201);
    }

    @Test
    void aFailingPushGatewayDoesNotFailTheApprovalAndAnAccountWithoutKeysGets409() {
        TestIssuer.Token alice = TestIssuer.token();
        DeviceKey phone = registeredKey(alice, "new-phone", "apns");
        Gateways.wireMock().register(post(urlPathEqualTo("/push/apns/3/device/" + token(phone))).atPriority(1)
                .willReturn(aResponse().withStatus(500)));
        String id = start(alice).statusCode(201).extract().path("id");
        respond(alice, id, "new-phone", phone.keyId(), true, phone.pair().getPrivate(),
                challenge(alice, "new-phone", id)).statusCode(200).body("status", equalTo("approved"));

        start(TestIssuer.token()).statusCode(409).body("type", equalTo(PROBLEM + "no-push-devices"));
    }
}
