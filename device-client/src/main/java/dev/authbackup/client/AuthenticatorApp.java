package dev.authbackup.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One phone running the authenticator app: its accounts, its sign-in, and what it does against the
 * platform through the public contract only — back up, begin a recovery, download and decrypt.
 */
public final class AuthenticatorApp {

    private final Endpoints endpoints;
    private final Http http = new Http();
    private final String deviceId;
    private final String platform;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Account> pending = new LinkedHashMap<>();
    private final Map<String, PushKey> pushKeys = new LinkedHashMap<>();
    private List<String> accountOrder = new ArrayList<>();
    private String token;

    public AuthenticatorApp(Endpoints endpoints, String deviceId, String platform) {
        this.endpoints = endpoints;
        this.deviceId = deviceId;
        this.platform = platform;
    }

    public String deviceId() {
        return deviceId;
    }

    public String platform() {
        return platform;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public Http http() {
        return http;
    }

    /** Signs the recovery account in at the identity provider (a fresh sign-in for 300 s). */
    public AuthenticatorApp signIn(String username, String password) {
        token = new KeycloakSignIn(endpoints).signIn(username, password).accessToken();
        return this;
    }

    /** Creates a new recovery account at the identity provider (its registration form) and is signed in with it. */
    public AuthenticatorApp signUp(String username, String email, String password) {
        token = new KeycloakSignIn(endpoints).signUp(username, email, password).accessToken();
        return this;
    }

    /** Uses a token obtained elsewhere (for example an older one, to show a stale sign-in). */
    public AuthenticatorApp useToken(String accessToken) {
        token = accessToken;
        return this;
    }

    public String token() {
        return token;
    }

    public AuthenticatorApp add(Account account) {
        accounts.put(account.ref(), account);
        accountOrder.add(account.ref());
        return this;
    }

    public List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    public Account account(String ref) {
        return accounts.get(ref);
    }

    /** The refs of recovered entries that still wait for a device credential or verification. */
    public List<String> pendingRefs() {
        return List.copyOf(pending.keySet());
    }

    /**
     * A recovered entry that waited is restored: with {@code secret} (base32) when the device got its own
     * credential for it, otherwise as the backup held it.
     */
    public void restore(String ref, String secret) {
        Account backedUp = pending.remove(ref);
        if (backedUp == null) {
            throw new IllegalStateException("no recovered entry '" + ref + "' waits on this phone");
        }
        accounts.put(ref, secret == null ? backedUp : new Account(ref, backedUp.issuer(), backedUp.username(), secret,
                backedUp.kind(), backedUp.pushEnabled()));
    }

    /** A device-bound push key: the private key never leaves the phone; the platform knows it by {@code keyId}. */
    public record PushKey(String keyId, java.security.KeyPair pair) {
    }

    public void keepPushKey(String entryRef, PushKey key) {
        pushKeys.put(entryRef, key);
    }

    public Map<String, PushKey> pushKeys() {
        return Map.copyOf(pushKeys);
    }

    /** The sign-in approvals waiting for this phone (what a push would have carried). */
    public Answer pendingApprovals() {
        return http.get(endpoints.notification() + "/v1/devices/" + deviceId + "/push-approvals", token);
    }

    /** Answers a sign-in approval pushed to this phone, signing its challenge with one of the phone's push keys. */
    public Answer answerApproval(String approvalId, boolean approve) {
        String challenge = null;
        for (JsonNode pendingApproval : pendingApprovals().expect(200).body()) {
            if (approvalId.equals(pendingApproval.get("id").asText())) {
                challenge = pendingApproval.get("challenge").asText();
            }
        }
        if (challenge == null) {
            throw new IllegalStateException("approval " + approvalId + " is not waiting for " + deviceId);
        }
        PushKey key = pushKeys.values().iterator().next();
        return http.call("POST", endpoints.notification() + "/v1/push-approvals/" + approvalId + "/responses", token,
                Map.of("deviceId", deviceId, "keyId", key.keyId(), "approve", approve,
                        "signature", base64(Vault.sign(key.pair(), Base64.getDecoder().decode(challenge)))));
    }

    public List<String> accountOrder() {
        return List.copyOf(accountOrder);
    }

    public void accountOrder(List<String> order) {
        accountOrder = new ArrayList<>(order);
    }

    /** The current TOTP code of an account on this phone. */
    public String code(String ref) {
        return Totp.code(Totp.base32Decode(accounts.get(ref).secret()), Instant.now());
    }

    /** The account's fingerprint salt, from the backup profile. */
    public byte[] salt() {
        Answer profile = http.get(endpoints.backup() + "/v1/backup-profile", token).expect(200);
        return Base64.getDecoder().decode(profile.text("salt"));
    }

    /** An upload ready to send (and to send again, as a retry after a lost answer would). */
    public record Upload(Map<String, Object> body, String preconditionHeader, String preconditionValue) {
    }

    /** Encrypts every account and the settings under a new data key and uploads them as the next version. */
    public Answer backUp() {
        return send(prepareBackUp(), null);
    }

    /** Encrypts every account and the settings under a new data key, as the next version of the backup. */
    public Upload prepareBackUp() {
        byte[] salt = salt();
        byte[] dataKey = Vault.randomKey();
        ObjectNode payload = Http.JSON.createObjectNode();
        payload.set("accounts", Http.JSON.valueToTree(accounts.values()));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Account account : accounts.values()) {
            entries.add(Map.of("ref", account.ref(), "kind", account.kind(), "pushEnabled", account.pushEnabled(),
                    "fingerprint", Vault.fingerprint(salt, account.issuer(), account.username())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("deviceName", "Authenticator on " + deviceId);
        body.put("ciphertext", base64(Vault.encrypt(dataKey, bytes(payload))));
        body.put("dataKey", base64(dataKey));
        body.put("manifest", Map.of("entries", entries));
        body.put("settings", base64(Vault.encrypt(dataKey, bytes(Map.of("accountOrder", accountOrder)))));
        Answer current = http.get(endpoints.backup() + "/v1/backups/" + platform, token);
        return current.status() == 200 ? new Upload(body, "If-Match", current.header("ETag"))
                : new Upload(body, "If-None-Match", "*");
    }

    /** Sends a prepared upload, with an {@code Idempotency-Key} when given. */
    public Answer send(Upload upload, String idempotencyKey) {
        String[] headers = idempotencyKey == null
                ? new String[] {upload.preconditionHeader(), upload.preconditionValue()}
                : new String[] {upload.preconditionHeader(), upload.preconditionValue(), "Idempotency-Key", idempotencyKey};
        return http.call("PUT", endpoints.backup() + "/v1/backups/" + platform, token, upload.body(), headers);
    }

    /** Begins a recovery for this phone, telling the platform which accounts the phone already holds. */
    public Answer beginRecovery() {
        return beginRecovery(null);
    }

    /** Begins a recovery with an {@code Idempotency-Key}, so that a retry after a lost answer begins none twice. */
    public Answer beginRecovery(String idempotencyKey) {
        List<String> local = new ArrayList<>();
        if (!accounts.isEmpty()) {
            byte[] salt = salt();
            accounts.values().forEach(a -> local.add(Vault.fingerprint(salt, a.issuer(), a.username())));
        }
        Map<String, Object> body = Map.of("platform", platform, "deviceId", deviceId, "localFingerprints", local);
        return idempotencyKey == null ? http.call("POST", endpoints.recovery() + "/v1/recoveries", token, body)
                : http.call("POST", endpoints.recovery() + "/v1/recoveries", token, body, "Idempotency-Key", idempotencyKey);
    }

    /**
     * Begins a recovery of exactly {@code version}. recovery-service learns of an upload (or an undelete)
     * through Kafka, so a begin right after it may still see the state before: no backup, or an older
     * version, whose recovery is cancelled. It begins again until {@code patience} runs out; any other
     * refusal is answered as it is.
     */
    public Answer beginRecoveryOf(int version, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            Answer begun = beginRecovery();
            boolean behind = "no-backup".equals(begun.problem())
                    || begun.status() == 201 && begun.body().get("backupVersion").asInt() != version;
            if (!behind || Instant.now().isAfter(deadline)) {
                return begun;
            }
            if (begun.status() == 201) {
                cancel(begun.text("id")).expect(204);
            }
            pause(Duration.ofMillis(200));
        }
    }

    public Answer cancel(String recoveryId) {
        return http.call("DELETE", endpoints.recovery() + "/v1/recoveries/" + recoveryId, token, null);
    }

    public Answer recovery(String recoveryId) {
        return http.get(endpoints.recovery() + "/v1/recoveries/" + recoveryId, token);
    }

    /**
     * Downloads the backup released to this recovery (retrying while the release is not ready), decrypts it,
     * and restores the entries that need nothing more; the others wait for their credential or verification.
     */
    public Answer download(String recoveryId, Duration patience) {
        String url = endpoints.backup() + "/v1/backups/" + platform + "/content?recoveryId=" + recoveryId;
        Instant deadline = Instant.now().plus(patience);
        Answer content = http.get(url, token);
        while (content.status() == 409 && Instant.now().isBefore(deadline)) {
            pause(Duration.ofSeconds(Long.parseLong(content.header("Retry-After") == null ? "1" : content.header("Retry-After"))));
            content = http.get(url, token);
        }
        content.expect(200);
        byte[] dataKey = Base64.getDecoder().decode(content.text("dataKey"));
        JsonNode payload = json(Vault.decrypt(dataKey, Base64.getDecoder().decode(content.text("ciphertext"))));
        JsonNode settings = json(Vault.decrypt(dataKey, Base64.getDecoder().decode(content.text("settings"))));
        Map<String, String> requirements = new LinkedHashMap<>();
        recovery(recoveryId).expect(200).body().get("entries")
                .forEach(e -> requirements.put(e.get("ref").asText(), e.get("requirement").asText()));
        for (JsonNode node : (ArrayNode) payload.get("accounts")) {
            Account account = Http.JSON.convertValue(node, Account.class);
            if ("none".equals(requirements.get(account.ref()))) {
                accounts.put(account.ref(), account);
            } else {
                pending.put(account.ref(), account);
            }
        }
        List<String> order = new ArrayList<>();
        settings.get("accountOrder").forEach(ref -> order.add(ref.asText()));
        accountOrder = order;
        return content;
    }

    private static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value);
    }

    private static byte[] bytes(Object value) {
        try {
            return Http.JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(byte[] value) {
        try {
            return Http.JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
