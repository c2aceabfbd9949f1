package dev.authbackup.recovery.rest;

import static io.restassured.RestAssured.given;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Backups as recovery-service projects them, and the calls the app makes to begin a recovery. */
public final class RecoveryFixtures {

    public static final String PROBLEM = "https://authbackup.dev/problems/";

    private RecoveryFixtures() {
    }

    /** One manifest entry: ref, kind, push flag and a fingerprint derived from the ref. */
    public record Entry(String ref, String kind, boolean push) {
        public String fingerprint() {
            return String.format("%064x", new java.math.BigInteger(1, ref.getBytes()));
        }

        String json() {
            return """
                    {"ref":"%s","kind":"%s","pushEnabled":%s,"fingerprint":"%s"}""".formatted(ref, kind, push,
                    fingerprint());
        }
    }

    /** One entry of each kind and push flag: what a recovery must handle. */
    public static final List<Entry> MIXED = List.of(
            new Entry("personal-push", "personal", true),
            new Entry("personal-totp", "personal", false),
            new Entry("work-push", "work_school", true),
            new Entry("work-totp", "work_school", false),
            new Entry("google", "third_party", false));

    public static String entriesJson(List<Entry> entries) {
        List<String> parts = new ArrayList<>();
        entries.forEach(e -> parts.add(e.json()));
        return "[" + String.join(",", parts) + "]";
    }

    /** Writes a projected backup directly (the projection consumer has its own tests). */
    public static void project(String account, String platform, int version, String status, List<Entry> entries) {
        TestDatabase.execute("""
                INSERT INTO backup_projection (account_id, platform, version, revision, status, device_id, entries,
                                               updated_at, deleted)
                VALUES (?, ?, ?, ?, ?, 'old-phone', ?, now(), FALSE)""",
                account, platform, version, version, status, entriesJson(entries));
    }

    public static Map<String, Object> begin(String platform, String deviceId, String... localFingerprints) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("deviceId", deviceId);
        body.put("localFingerprints", List.of(localFingerprints));
        return body;
    }

    public static ValidatableResponse post(TestIssuer.Token token, Object body) {
        return given().header("Authorization", token.bearer()).contentType("application/json").body(body)
                .post("/v1/recoveries").then();
    }

    /** Begins a recovery that must succeed; answers its id. */
    public static UUID started(TestIssuer.Token token, String platform, String deviceId) {
        return UUID.fromString(post(token, begin(platform, deviceId)).statusCode(201).extract().path("id"));
    }

    public static ValidatableResponse get(TestIssuer.Token token, Object id) {
        return given().header("Authorization", token.bearer()).get("/v1/recoveries/" + id).then();
    }

    public static long recoveriesOf(TestIssuer.Token token) {
        return TestDatabase.count("SELECT count(*) FROM recovery WHERE account_id = ?", token.accountId());
    }
}
