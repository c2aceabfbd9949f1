package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the app does around step-up verification: registers an alternate email (confirmed with the code
 * that arrives in the local GreenMail mailbox), verifies a recovered entry with password sign-in + proof +
 * emailed code, and provisions a device-bound EC P-256 push key with proof of possession.
 */
public final class StepUp {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{8})\\b");

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
     * Verifies {@code entryRef} of the recovery with password sign-in (the phone's fresh token), the full
     * alternate email and the code mailed to it. verification-service learns of recoveries through Kafka,
     * so the start is retried while it answers 404.
     */
    public void verifyWithEmail(String recoveryId, String entryRef, String email, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        Answer started = start(recoveryId, entryRef);
        while (started.status() == 404 && Instant.now().isBefore(deadline)) {
            AuthenticatorApp.pause(Duration.ofMillis(300));
            started = start(recoveryId, entryRef);
        }
        started.expect(201);
        String verification = started.text("id");
        // The account may have several proofs: the one to type is the one whose masked hint keeps its domain.
        String domain = email.substring(email.indexOf('@'));
        String proofId = null;
        for (JsonNode proof : started.body().get("proofs")) {
            if (proof.get("hint").asText().endsWith(domain)) {
                proofId = proof.get("id").asText();
            }
        }
        if (proofId == null) {
            throw new IllegalStateException("no proof of the account is hinted as ..." + domain);
        }
        int before = mails(email);
        http.call("POST", endpoints.verification() + "/v1/verifications/" + verification + "/proof", phone.token(),
                Map.of("proofId", proofId, "value", email)).expect(202);
        http.call("POST", endpoints.verification() + "/v1/verifications/" + verification + "/code", phone.token(),
                Map.of("code", nextCode(email, before))).expect(200);
    }

    /** Waits for the push-key authorisation of the entry, then registers a new key pair's public key with a signed nonce. */
    public String registerPushKey(String recoveryId, String entryRef, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        String nonce = null;
        while (nonce == null) {
            JsonNode items = http.get(endpoints.notification() + "/v1/devices/" + phone.deviceId() + "/provisioning",
                    phone.token()).expect(200).body();
            for (JsonNode item : items) {
                if (recoveryId.equals(item.get("recoveryId").asText()) && entryRef.equals(item.get("entryRef").asText())
                        && "push_key".equals(item.get("kind").asText())) {
                    nonce = item.get("nonce").asText();
                }
            }
            if (nonce == null) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no push-key authorisation for " + entryRef + " within " + patience);
                }
                AuthenticatorApp.pause(Duration.ofMillis(300));
            }
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(Base64.getDecoder().decode(nonce));
            Base64.Encoder base64 = Base64.getEncoder();
            return http.call("POST", endpoints.notification() + "/v1/devices/" + phone.deviceId() + "/push-keys",
                    phone.token(), Map.of("recoveryId", recoveryId, "entryRef", entryRef,
                            "publicKey", base64.encodeToString(pair.getPublic().getEncoded()),
                            "signature", base64.encodeToString(signer.sign()),
                            "pushProvider", "apns", "pushToken", "device-token-" + phone.deviceId()))
                    .expect(201).text("keyId");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Answer start(String recoveryId, String entryRef) {
        return http.call("POST", endpoints.verification() + "/v1/verifications", phone.token(),
                Map.of("recoveryId", recoveryId, "entryRef", entryRef, "deviceId", phone.deviceId(),
                        "method", "password_and_proof"));
    }

    /** How many mails the address has in GreenMail. */
    private int mails(String email) {
        JsonNode messages = http.get(endpoints.greenMailApi() + "/api/user/" + URLEncoder.encode(email,
                StandardCharsets.UTF_8) + "/messages/", null).body();
        return messages == null || !messages.isArray() ? 0 : messages.size();
    }

    /** The 8-digit code of the first mail after the first {@code before} ones. */
    private String nextCode(String email, int before) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            JsonNode messages = http.get(endpoints.greenMailApi() + "/api/user/" + URLEncoder.encode(email,
                    StandardCharsets.UTF_8) + "/messages/", null).body();
            if (messages != null && messages.isArray() && messages.size() > before) {
                Matcher code = CODE.matcher(messages.get(before).toString());
                if (code.find()) {
                    return code.group(1);
                }
            }
            AuthenticatorApp.pause(Duration.ofMillis(300));
        }
        throw new IllegalStateException("no code mailed to the alternate address within 20 s");
    }
}
