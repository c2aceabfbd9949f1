package dev.authbackup.notification.support;

import static io.restassured.RestAssured.given;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Requests and client-side crypto of the device endpoints, as the app does them. */
public final class DeviceFixtures {

    public static final String PROBLEM = "https://authbackup.dev/problems/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceFixtures() {
    }

    /** A push key the app made, and the id the service gave it. */
    public record DeviceKey(UUID keyId, KeyPair pair, String deviceId) {
    }

    /**
     * An authorisation as the recovery.events consumer records it (tests of the consumer itself go
     * through Kafka); answers the recovery id.
     */
    public static UUID authorize(TestIssuer.Token token, String deviceId, String entryRef, String kind,
            boolean active, Duration validFor) {
        UUID recovery = UUID.randomUUID();
        authorize(token, recovery, deviceId, entryRef, kind, active, validFor);
        return recovery;
    }

    public static void authorize(TestIssuer.Token token, UUID recovery, String deviceId, String entryRef, String kind,
            boolean active, Duration validFor) {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        TestDatabase.execute("""
                INSERT INTO provisioning_authorization
                       (id, account_id, recovery_id, entry_ref, device_id, kind, nonce, active, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?)""", UUID.randomUUID(), token.accountId(), recovery,
                entryRef, deviceId, kind, nonce, active, Timestamp.from(Instant.now().plus(validFor)));
    }

    public static ValidatableResponse provisioning(TestIssuer.Token token, String deviceId) {
        return given().header("Authorization", token.bearer()).get("/v1/devices/" + deviceId + "/provisioning")
                .then();
    }

    /** The nonce the service lists for that authorisation. */
    public static byte[] nonce(TestIssuer.Token token, String deviceId, UUID recovery, String entryRef) {
        List<Map<String, Object>> items = provisioning(token, deviceId).statusCode(200).extract().jsonPath()
                .getList("$");
        return items.stream()
                .filter(i -> recovery.toString().equals(i.get("recoveryId")) && entryRef.equals(i.get("entryRef"))
                        && "push_key".equals(i.get("kind")))
                .map(i -> Base64.getDecoder().decode((String) i.get("nonce")))
                .findFirst().orElseThrow(() -> new AssertionError("no push_key authorisation listed"));
    }

    public static KeyPair p256() {
        return generate("secp256r1");
    }

    public static KeyPair generate(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String spki(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** A DER ECDSA-SHA256 signature, base64. */
    public static String sign(PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(key);
            signature.update(data);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> pushKeyBody(UUID recovery, String entryRef, KeyPair pair, String signature,
            String provider) {
        Map<String, Object> body = new HashMap<>();
        body.put("recoveryId", recovery.toString());
        body.put("entryRef", entryRef);
        body.put("publicKey", spki(pair));
        body.put("signature", signature);
        body.put("pushProvider", provider);
        body.put("pushToken", "token-" + UUID.randomUUID());
        return body;
    }

    public static ValidatableResponse post(TestIssuer.Token token, String path, Object body) {
        var request = given().header("Authorization", token.bearer()).contentType(ContentType.JSON);
        return (body == null ? request.post(path) : request.body(body).post(path)).then();
    }

    /** The whole way to a registered push key: authorised, nonce read, signed, registered. */
    public static DeviceKey registeredKey(TestIssuer.Token token, String deviceId, String provider) {
        String entry = "e-" + UUID.randomUUID().toString().substring(0, 8);
        UUID recovery = authorize(token, deviceId, entry, "push_key", true, Duration.ofMinutes(10));
        KeyPair pair = p256();
        String signature = sign(pair.getPrivate(), nonce(token, deviceId, recovery, entry));
        String keyId = post(token, "/v1/devices/" + deviceId + "/push-keys",
                pushKeyBody(recovery, entry, pair, signature, provider))
                .statusCode(201).extract().path("keyId");
        return new DeviceKey(UUID.fromString(keyId), pair, deviceId);
    }

    /** The secret of an {@code otpauth://totp/...?secret=BASE32&...} URI. */
    public static byte[] secretOf(String otpauthUri) {
        String query = otpauthUri.substring(otpauthUri.indexOf('?') + 1);
        for (String param : query.split("&")) {
            if (param.startsWith("secret=")) {
                return base32Decode(param.substring(7));
            }
        }
        throw new AssertionError("no secret in the URI");
    }

    /** RFC 6238 TOTP as an authenticator app computes it (SHA-1, 6 digits, 30 s). */
    public static String totp(byte[] secret, Instant at) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(at.getEpochSecond() / 30).array());
            int o = h[19] & 0xf;
            int value = ((h[o] & 0x7f) << 24 | (h[o + 1] & 0xff) << 16 | (h[o + 2] & 0xff) << 8 | (h[o + 3] & 0xff))
                    % 1_000_000;
            return String.format("%06d", value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base32Decode(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer out = ByteBuffer.allocate(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
