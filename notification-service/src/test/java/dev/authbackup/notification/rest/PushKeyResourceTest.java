package dev.authbackup.notification.rest;

import static dev.authbackup.notification.support.DeviceFixtures.PROBLEM;
import static dev.authbackup.notification.support.DeviceFixtures.authorize;
import static dev.authbackup.notification.support.DeviceFixtures.generate;
import static dev.authbackup.notification.support.DeviceFixtures.nonce;
import static dev.authbackup.notification.support.DeviceFixtures.p256;
import static dev.authbackup.notification.support.DeviceFixtures.post;
import static dev.authbackup.notification.support.DeviceFixtures.provisioning;
import static dev.authbackup.notification.support.DeviceFixtures.pushKeyBody;
import static dev.authbackup.notification.support.DeviceFixtures.sign;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.authbackup.notification.support.Gateways;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/devices/{deviceId}/push-keys: only against an open push_key authorisation of that account,
 * device, recovery and entry, only with a P-256 key and a valid signature over its nonce; single use.
 * Every refusal leaves no key, no device and the authorisation unused.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class PushKeyResourceTest {

    private static final String DEVICE = "iphone-B";

    @BeforeAll
    static void clean() {
        TestDatabase.truncateAll();
    }

    private static String path(String device) {
        return "/v1/devices/" + device + "/push-keys";
    }

    /** Nothing was registered for this account, and its authorisation is still unused. */
    private static void nothingChanged(TestIssuer.Token token, UUID recovery) {
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM push_key WHERE account_id = ?", token.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM device WHERE account_id = ?", token.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM provisioning_authorization WHERE recovery_id = ?"
                + " AND consumed_at IS NOT NULL", recovery));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM outbox_event WHERE message_key = ?",
                token.accountId()));
    }

    @Test
    void anAuthorisedDeviceWithAValidProofRegistersItsKeyOnce() {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = authorize(alice, DEVICE, "e1", "push_key", true, Duration.ofMinutes(10));
        provisioning(alice, DEVICE).statusCode(200).body("size()", equalTo(1))
                .body("[0].kind", equalTo("push_key")).body("[0].entryRef", equalTo("e1"))
                .body("[0].recoveryId", equalTo(recovery.toString()));
        byte[] nonce = nonce(alice, DEVICE, recovery, "e1");
        assertEquals(32, nonce.length);
        KeyPair pair = p256();
        Map<String, Object> body = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns");

        String keyId = post(alice, path(DEVICE), body).statusCode(201).extract().path("keyId");
        byte[] stored = (byte[]) TestDatabase.scalar("SELECT public_key FROM push_key WHERE id = ?::uuid AND "
                + "account_id = ? AND device_id = ? AND provider = 'apns' AND push_token = ?", keyId,
                alice.accountId(), DEVICE, body.get("pushToken"));
        assertArrayEquals(pair.getPublic().getEncoded(), stored);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM device WHERE account_id = ? AND device_id = ?",
                alice.accountId(), DEVICE));
        provisioning(alice, DEVICE).statusCode(200).body("size()", equalTo(0));

        // The same authorisation a second time, even with a fresh valid proof: refused, nothing more stored.
        post(alice, path(DEVICE), body).statusCode(403).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "verification-required"));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM push_key WHERE account_id = ?", alice.accountId()));
    }

    @Test
    void withoutAnOpenAuthorisationOfThisAccountAndDeviceTheAnswerIs403Or404AndNothingChanges() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        UUID recovery = authorize(alice, DEVICE, "e1", "push_key", true, Duration.ofMinutes(10));
        byte[] nonce = nonce(alice, DEVICE, recovery, "e1");
        KeyPair pair = p256();
        Map<String, Object> body = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "fcm");

        // bob with alice's recovery: not his to know of (404); alice on another device; alice for another entry or
        // recovery (403).
        post(bob, path(DEVICE), body).statusCode(404).body("type", equalTo(PROBLEM + "not-found"));
        post(alice, path("android-C"), body).statusCode(403).body("type", equalTo(PROBLEM + "verification-required"));
        Map<String, Object> otherEntry = new java.util.HashMap<>(body);
        otherEntry.put("entryRef", "e2");
        post(alice, path(DEVICE), otherEntry).statusCode(403);
        Map<String, Object> otherRecovery = new java.util.HashMap<>(body);
        otherRecovery.put("recoveryId", UUID.randomUUID().toString());
        post(alice, path(DEVICE), otherRecovery).statusCode(403);
        nothingChanged(alice, recovery);
        nothingChanged(bob, recovery);

        // Expired, then revoked: refused as well.
        TestDatabase.execute("UPDATE provisioning_authorization SET expires_at = now() - interval '1 second' "
                + "WHERE recovery_id = ?", recovery);
        post(alice, path(DEVICE), body).statusCode(403).body("type", equalTo(PROBLEM + "verification-required"));
        TestDatabase.execute("UPDATE provisioning_authorization SET expires_at = now() + interval '5 minutes', "
                + "revoked_at = now() WHERE recovery_id = ?", recovery);
        post(alice, path(DEVICE), body).statusCode(403).body("type", equalTo(PROBLEM + "verification-required"));
        nothingChanged(alice, recovery);

        // A device credential authorisation does not authorise a push key.
        UUID credentialOnly = authorize(alice, DEVICE, "e3", "device_credential", true, Duration.ofMinutes(10));
        post(alice, path(DEVICE), pushKeyBody(credentialOnly, "e3", pair, sign(pair.getPrivate(), nonce), "apns"))
                .statusCode(403);
        given().contentType(ContentType.JSON).body(body).post(path(DEVICE)).then().statusCode(401);
        nothingChanged(alice, recovery);
    }

    @Test
    void aBadKeyOrSignatureIs422InvalidProofAndLeavesTheAuthorisationUsable() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = authorize(alice, DEVICE, "e1", "push_key", true, Duration.ofMinutes(10));
        byte[] nonce = nonce(alice, DEVICE, recovery, "e1");
        KeyPair pair = p256();
        KeyPair stranger = p256();
        KeyPair p384 = generate("secp384r1");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();

        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(pushKeyBody(recovery, "e1", pair, sign(stranger.getPrivate(), nonce), "apns")); // someone else's key
        bad.add(pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), "other bytes".getBytes()), "apns"));
        bad.add(pushKeyBody(recovery, "e1", pair, Base64.getEncoder().encodeToString(new byte[70]), "apns"));
        bad.add(pushKeyBody(recovery, "e1", pair, "not base64!", "apns"));
        bad.add(pushKeyBody(recovery, "e1", p384, sign(p384.getPrivate(), nonce), "apns")); // not P-256
        Map<String, Object> rsaBody = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns");
        rsaBody.put("publicKey", Base64.getEncoder().encodeToString(rsaPair.getPublic().getEncoded()));
        bad.add(rsaBody);
        Map<String, Object> garbage = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns");
        garbage.put("publicKey", Base64.getEncoder().encodeToString("not a key".getBytes()));
        bad.add(garbage);
        for (Map<String, Object> body : bad) {
            post(alice, path(DEVICE), body).statusCode(422).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "invalid-proof"));
        }
        Map<String, Object> unknownProvider = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "mpns");
        post(alice, path(DEVICE), unknownProvider).statusCode(400).body("type", equalTo(PROBLEM + "malformed-request"));
        Map<String, Object> noToken = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns");
        noToken.remove("pushToken");
        post(alice, path(DEVICE), noToken).statusCode(422).body("type", equalTo(PROBLEM + "validation-failed"));
        post(alice, path("bad device id!"), pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns"))
                .statusCode(422);
        nothingChanged(alice, recovery);

        // The untouched authorisation still works with a good proof.
        post(alice, path(DEVICE), pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns"))
                .statusCode(201);
    }

    @Test
    void twoRegistrationsRacingForOneAuthorisationRegisterOneKey() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        UUID recovery = authorize(alice, DEVICE, "e1", "push_key", true, Duration.ofMinutes(10));
        byte[] nonce = nonce(alice, DEVICE, recovery, "e1");
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Integer>> racers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            KeyPair pair = p256();
            Map<String, Object> body = pushKeyBody(recovery, "e1", pair, sign(pair.getPrivate(), nonce), "apns");
            racers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return post(alice, path(DEVICE), body).extract().statusCode();
            }));
        }
        List<Integer> statuses = racers.stream().map(CompletableFuture::join).sorted().toList();
        assertEquals(List.of(201, 403), statuses);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM push_key WHERE account_id = ?", alice.accountId()));
    }
}
