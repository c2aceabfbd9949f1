package dev.authbackup.notification.rest;

import static dev.authbackup.notification.support.DeviceFixtures.PROBLEM;
import static dev.authbackup.notification.support.DeviceFixtures.authorize;
import static dev.authbackup.notification.support.DeviceFixtures.post;
import static dev.authbackup.notification.support.DeviceFixtures.secretOf;
import static dev.authbackup.notification.support.DeviceFixtures.totp;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.notification.support.Gateways;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-device TOTP credentials: issued once per authorisation, sealed at rest, shown once; codes of the
 * old and the new phone differ and both verify; a code is accepted once.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
@WithTestResource(Gateways.class)
class DeviceCredentialResourceTest {

    @BeforeAll
    static void clean() {
        TestDatabase.truncateAll();
    }

    private static Map<String, Object> body(UUID recovery, String entry) {
        return Map.of("recoveryId", recovery.toString(), "entryRef", entry);
    }

    private static String issue(TestIssuer.Token token, String device, String entry) {
        UUID recovery = authorize(token, device, entry, "device_credential", true, Duration.ofHours(24));
        return post(token, "/v1/devices/" + device + "/credentials", body(recovery, entry)).statusCode(201)
                .header("Cache-Control", "no-store")
                .body("otpauthUri", startsWith("otpauth://totp/"))
                .extract().path("otpauthUri");
    }

    private static io.restassured.response.ValidatableResponse verify(TestIssuer.Token token, String code) {
        return post(token, "/v1/codes/verify", Map.of("code", code)).statusCode(200);
    }

    @Test
    void twoDevicesGetDifferentCodesBothVerifyAndAReplayedCodeIsRefused() {
        TestIssuer.Token alice = TestIssuer.token();
        String oldPhone = issue(alice, "old-phone", "e1");
        String newPhone = issue(alice, "new-phone", "e1");
        assertTrue(newPhone.contains("algorithm=SHA1") && newPhone.contains("digits=6") && newPhone.contains("period=30"));
        assertFalse(newPhone.contains(alice.subject()), "the URI names no account");
        byte[] oldSecret = secretOf(oldPhone);
        byte[] newSecret = secretOf(newPhone);
        assertEquals(20, newSecret.length);
        assertFalse(Arrays.equals(oldSecret, newSecret));

        Instant now = Instant.now();
        String oldCode = totp(oldSecret, now);
        String newCode = totp(newSecret, now);
        assertNotEquals(oldCode, newCode, "the phones' codes differ");
        verify(alice, newCode).body("valid", equalTo(true)).body("deviceId", equalTo("new-phone"));
        verify(alice, oldCode).body("valid", equalTo(true)).body("deviceId", equalTo("old-phone"));
        verify(alice, newCode).body("valid", equalTo(false)).body("deviceId", nullValue());
        verify(alice, oldCode).body("valid", equalTo(false));

        // The previous step is still accepted (clock drift), once; checked only while the server's clock is
        // in the same 30 s step as the codes above (near a boundary it is two steps back by then).
        String previous = totp(newSecret, now.minusSeconds(30));
        if (!previous.equals(newCode) && Instant.now().getEpochSecond() / 30 == now.getEpochSecond() / 30) {
            verify(alice, previous).body("valid", equalTo(true));
            verify(alice, previous).body("valid", equalTo(false));
        }
        // Two steps back is too old; a code of no credential is wrong.
        verify(alice, totp(newSecret, now.minusSeconds(90))).body("valid", equalTo(false));
        verify(alice, "000000".equals(newCode) ? "111111" : "000000").body("valid", equalTo(false));
    }

    @Test
    void anotherAccountCannotUseTheCodesAndSecretsAreSealedAtRest() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        String uri = issue(alice, "new-phone", "e1");
        byte[] secret = secretOf(uri);
        verify(bob, totp(secret, Instant.now())).body("valid", equalTo(false));

        byte[] stored = (byte[]) TestDatabase.scalar("SELECT secret FROM device_credential WHERE account_id = ?",
                alice.accountId());
        assertEquals(12 + 20 + 16, stored.length, "nonce, sealed secret, tag");
        assertFalse(HexFormat.of().formatHex(stored).contains(HexFormat.of().formatHex(secret)));
        verify(alice, totp(secret, Instant.now())).body("valid", equalTo(true));
    }

    @Test
    void withoutAnOpenAuthorisationNoCredentialIsIssued() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        UUID recovery = authorize(alice, "new-phone", "e1", "device_credential", true, Duration.ofHours(1));
        UUID pending = authorize(alice, "new-phone", "e2", "device_credential", false, Duration.ofHours(1));
        UUID pushOnly = authorize(alice, "new-phone", "e3", "push_key", true, Duration.ofHours(1));

        // alice's recovery is not bob's to know of: 404, not 403.
        post(bob, "/v1/devices/new-phone/credentials", body(recovery, "e1")).statusCode(404)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "not-found"));
        post(alice, "/v1/devices/other-phone/credentials", body(recovery, "e1")).statusCode(403);
        post(alice, "/v1/devices/new-phone/credentials", body(pending, "e2")).statusCode(403)
                .body("type", equalTo(PROBLEM + "verification-required"));
        post(alice, "/v1/devices/new-phone/credentials", body(pushOnly, "e3")).statusCode(403);
        post(alice, "/v1/devices/new-phone/credentials", Map.of("entryRef", "e1")).statusCode(422)
                .body("type", equalTo(PROBLEM + "validation-failed"));
        post(alice, "/v1/codes/verify", Map.of("code", "12ab")).statusCode(422);
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM device_credential WHERE account_id IN (?, ?)",
                alice.accountId(), bob.accountId()));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM provisioning_authorization WHERE account_id = ? "
                + "AND consumed_at IS NOT NULL", alice.accountId()));

        // Once used, the authorisation is gone.
        post(alice, "/v1/devices/new-phone/credentials", body(recovery, "e1")).statusCode(201);
        post(alice, "/v1/devices/new-phone/credentials", body(recovery, "e1")).statusCode(403)
                .body("type", equalTo(PROBLEM + "verification-required"));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM device_credential WHERE account_id = ?",
                alice.accountId()));
    }

    @Test
    void guessingIsStoppedAfterTenWrongCodesWithRetryAfter() {
        TestIssuer.Token alice = TestIssuer.token();
        byte[] secret = secretOf(issue(alice, "new-phone", "e1"));
        String right = totp(secret, Instant.now());
        String wrong = right.equals("123456") ? "654321" : "123456";
        for (int i = 0; i < 10; i++) {
            verify(alice, wrong).body("valid", equalTo(false));
        }
        post(alice, "/v1/codes/verify", Map.of("code", right)).statusCode(429)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "too-many-attempts"))
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM used_totp_step s JOIN device_credential c "
                + "ON c.id = s.credential_id WHERE c.account_id = ?", alice.accountId()), "the right code was not used");
        // Another account is not affected.
        TestIssuer.Token bob = TestIssuer.token();
        verify(bob, totp(secretOf(issue(bob, "bobs-phone", "e1")), Instant.now())).body("valid", equalTo(true));
    }
}
