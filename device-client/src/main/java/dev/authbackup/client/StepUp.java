package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the app does around step-up verification: registers an alternate email (confirmed with the code
 * that arrives in the local GreenMail mailbox), verifies a recovered personal entry with password sign-in +
 * proof + emailed code or a work/school entry with the organisation's QR activation code, takes the
 * device's own OATH credential for a personal entry, and provisions a device-bound EC P-256 push key with
 * proof of possession.
 */
public final class StepUp {

    /**
     * The code as the mail's text part shows it: alone on its line. Not any 8 digits anywhere: an address or a
     * header can hold 8 digits too (a user name like {@code saga-81128525} did).
     */
    private static final Pattern CODE = Pattern.compile("(?m)^[ \\t]*(\\d{8})[ \\t]*\\r?$");

    private final AuthenticatorApp phone;
    private final Http http;
    private final Endpoints endpoints;

    public StepUp(AuthenticatorApp phone) {
        this.phone = phone;
        this.http = phone.http();
        this.endpoints = phone.endpoints();
    }

    /** Adds an alternate email and confirms it with the code mailed to it. */
    public void confirmAlternateEmail(String email) {
        int before = mails(email);
        String id = http.call("POST", endpoints.verification() + "/v1/security-info", phone.token(),
                Map.of("type", "email", "value", email)).expect(201).text("id");
        http.call("POST", endpoints.verification() + "/v1/security-info/" + id + "/confirm", phone.token(),
                Map.of("code", nextCode(email, before))).expect(200);
    }

    /**
     * Starts the verification of {@code entryRef} with {@code method}. verification-service learns of
     * recoveries through Kafka, so the start is retried while it answers 404.
     */
    public Answer start(String recoveryId, String entryRef, String method, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        Answer started = startOnce(recoveryId, entryRef, method);
        while (started.status() == 404 && Instant.now().isBefore(deadline)) {
            AuthenticatorApp.pause(Duration.ofMillis(300));
            started = startOnce(recoveryId, entryRef, method);
        }
        return started;
    }

    /**
     * Verifies {@code entryRef} of the recovery with password sign-in (the phone's fresh token), the full
     * alternate email and the code mailed to it.
     */
    public void verifyWithEmail(String recoveryId, String entryRef, String email, Duration patience) {
        Answer started = start(recoveryId, entryRef, "password_and_proof", patience).expect(201);
        String verification = started.text("id");
        int before = mails(email);
        sendCode(verification, proofHintedAs(started, email), email).expect(202);
        submitCode(verification, nextCode(email, before)).expect(200);
    }

    /** The id of the proof whose masked hint keeps {@code email}'s domain (an account may have several). */
    public static String proofHintedAs(Answer started, String email) {
        String domain = email.substring(email.indexOf('@'));
        for (JsonNode proof : started.body().get("proofs")) {
            if (proof.get("hint").asText().endsWith(domain)) {
                return proof.get("id").asText();
            }
        }
        throw new IllegalStateException("no proof of the account is hinted as ..." + domain);
    }

    /** Types the full alternate address against its hint; verification-service then mails a code there. */
    public Answer sendCode(String verificationId, String proofId, String value) {
        return http.call("POST", endpoints.verification() + "/v1/verifications/" + verificationId + "/proof",
                phone.token(), Map.of("proofId", proofId, "value", value));
    }

    public Answer submitCode(String verificationId, String code) {
        return http.call("POST", endpoints.verification() + "/v1/verifications/" + verificationId + "/code",
                phone.token(), Map.of("code", code));
    }

    /** Verifies a work/school entry with the activation code the organisation's admin issued, read from its QR. */
    public Answer redeemActivation(String recoveryId, String entryRef, String qrPayload, Duration patience) {
        String verification = start(recoveryId, entryRef, "activation_code", patience).expect(201).text("id");
        Map<String, String> qr = query(qrPayload);
        return http.call("POST", endpoints.verification() + "/v1/verifications/" + verification + "/activation",
                phone.token(), Map.of("tenant", qr.get("tenant"), "upn", qr.get("upn"), "code", qr.get("code")));
    }

    /**
     * Takes this device's own OATH credential for a personal entry once the platform allows it (at once, or
     * after step-up for a push entry) and restores the entry with it: its codes differ from the old phone's.
     */
    public String issueCredential(String recoveryId, String entryRef, Duration patience) {
        awaitProvisioning(recoveryId, entryRef, "device_credential", patience);
        Answer issued = http.call("POST", endpoints.notification() + "/v1/devices/" + phone.deviceId() + "/credentials",
                phone.token(), Map.of("recoveryId", recoveryId, "entryRef", entryRef)).expect(201);
        String secret = query(issued.text("otpauthUri")).get("secret");
        phone.restore(entryRef, secret);
        return issued.text("credentialId");
    }

    /** Waits for the push-key authorisation of the entry, then registers a new key pair's public key with a signed nonce. */
    public String registerPushKey(String recoveryId, String entryRef, Duration patience) {
        String nonce = awaitProvisioning(recoveryId, entryRef, "push_key", patience);
        KeyPair pair = Vault.newPushKeyPair();
        Base64.Encoder base64 = Base64.getEncoder();
        String keyId = http.call("POST", endpoints.notification() + "/v1/devices/" + phone.deviceId() + "/push-keys",
                        phone.token(), Map.of("recoveryId", recoveryId, "entryRef", entryRef,
                                "publicKey", base64.encodeToString(pair.getPublic().getEncoded()),
                                "signature", base64.encodeToString(Vault.sign(pair, Base64.getDecoder().decode(nonce))),
                                "pushProvider", "apns", "pushToken", "device-token-" + phone.deviceId()))
                .expect(201).text("keyId");
        phone.keepPushKey(entryRef, new AuthenticatorApp.PushKey(keyId, pair));
        return keyId;
    }

    /** The nonce of the device's provisioning item for (recovery, entry, kind), waiting for it to appear. */
    private String awaitProvisioning(String recoveryId, String entryRef, String kind, Duration patience) {
        return waitFor(() -> {
            JsonNode items = http.get(endpoints.notification() + "/v1/devices/" + phone.deviceId() + "/provisioning",
                    phone.token()).expect(200).body();
            for (JsonNode item : items) {
                if (recoveryId.equals(item.get("recoveryId").asText()) && entryRef.equals(item.get("entryRef").asText())
                        && kind.equals(item.get("kind").asText())) {
                    return item.get("nonce").asText();
                }
            }
            return null;
        }, patience, "no " + kind + " authorisation for " + entryRef);
    }

    private Answer startOnce(String recoveryId, String entryRef, String method) {
        return http.call("POST", endpoints.verification() + "/v1/verifications", phone.token(),
                Map.of("recoveryId", recoveryId, "entryRef", entryRef, "deviceId", phone.deviceId(), "method", method));
    }

    /** How many mails the address has in GreenMail. */
    public int mails(String email) {
        JsonNode messages = http.get(endpoints.greenMailApi() + "/api/user/" + URLEncoder.encode(email,
                StandardCharsets.UTF_8) + "/messages/", null).body();
        return messages == null || !messages.isArray() ? 0 : messages.size();
    }

    /** The 8-digit code of the first mail after the first {@code before} ones. */
    public String nextCode(String email, int before) {
        return waitFor(() -> {
            JsonNode messages = http.get(endpoints.greenMailApi() + "/api/user/" + URLEncoder.encode(email,
                    StandardCharsets.UTF_8) + "/messages/", null).body();
            if (messages != null && messages.isArray() && messages.size() > before) {
                Matcher code = CODE.matcher(messages.get(before).path("mimeMessage").asText());
                if (code.find()) {
                    return code.group(1);
                }
            }
            return null;
        }, Duration.ofSeconds(20), "no code mailed to the alternate address");
    }

    private static <T> T waitFor(Supplier<T> poll, Duration patience, String failure) {
        Instant deadline = Instant.now().plus(patience);
        T value = poll.get();
        while (value == null) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(failure + " within " + patience.toSeconds() + " s");
            }
            AuthenticatorApp.pause(Duration.ofMillis(200));
            value = poll.get();
        }
        return value;
    }

    /** The query parameters of a URI ({@code otpauth://...}, {@code authbackup://activate?...}). */
    static Map<String, String> query(String uri) {
        Map<String, String> values = new HashMap<>();
        String query = URI.create(uri).getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }
}
