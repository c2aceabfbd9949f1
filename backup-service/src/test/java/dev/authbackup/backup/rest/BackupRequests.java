package dev.authbackup.backup.rest;

import static io.restassured.RestAssured.given;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.restassured.response.ValidatableResponse;
import java.util.Map;

/** The backup-service calls tests make, as the app makes them, and what the database holds afterwards. */
public final class BackupRequests {

    public static final String PROBLEM = "https://authbackup.dev/problems/";

    private BackupRequests() {
    }

    /** PUT with one precondition header (or none when {@code header} is null). */
    public static ValidatableResponse put(TestIssuer.Token token, String platform, String header, String value,
            Object body) {
        var request = given().header("Authorization", token.bearer()).contentType("application/json").body(body);
        if (header != null) {
            request.header(header, value);
        }
        return request.when().put("/v1/backups/" + platform).then();
    }

    /** Uploads a backup of {@code entries} entries as the first version; answers the body sent. */
    public static Map<String, Object> create(TestIssuer.Token token, String platform, int entries) {
        Map<String, Object> body = BackupFixtures.upload(entries);
        put(token, platform, "If-None-Match", "*", body).statusCode(201);
        return body;
    }

    /** Uploads the next version over {@code current}; answers the body sent. */
    public static Map<String, Object> update(TestIssuer.Token token, String platform, int current, int entries) {
        Map<String, Object> body = BackupFixtures.upload(entries);
        put(token, platform, "If-Match", "\"" + current + "\"", body).statusCode(200);
        return body;
    }

    public static ValidatableResponse get(TestIssuer.Token token, String path) {
        return given().header("Authorization", token.bearer()).when().get(path).then();
    }

    public static ValidatableResponse delete(TestIssuer.Token token, String platform) {
        return given().header("Authorization", token.bearer()).when().delete("/v1/backups/" + platform).then();
    }

    /** POST .../restore: {@code version} null undoes a delete. */
    public static ValidatableResponse restore(TestIssuer.Token token, String platform, Integer version) {
        var request = given().header("Authorization", token.bearer());
        if (version != null) {
            request.contentType("application/json").body(Map.of("version", version));
        }
        return request.when().post("/v1/backups/" + platform + "/restore").then();
    }

    /** How many versions the account's backups hold in the database. */
    public static long versions(TestIssuer.Token token) {
        return TestDatabase.count("""
                SELECT count(*) FROM backup_version v JOIN backup b ON b.id = v.backup_id WHERE b.account_id = ?""",
                token.accountId());
    }

    /** A column of the account's backup head row on {@code platform}. */
    public static Object head(TestIssuer.Token token, String platform, String column) {
        return TestDatabase.scalar("SELECT " + column + " FROM backup WHERE account_id = ? AND platform = ?",
                token.accountId(), platform);
    }
}
