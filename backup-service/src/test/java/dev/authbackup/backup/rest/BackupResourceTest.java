package dev.authbackup.backup.rest;

import static dev.authbackup.backup.rest.BackupRequests.PROBLEM;
import static dev.authbackup.backup.rest.BackupRequests.put;
import static dev.authbackup.backup.rest.BackupRequests.versions;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PUT and GET of /v1/backups/{platform}: versions, preconditions, validation, isolation between accounts. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class BackupResourceTest {

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void theFirstUploadCreatesVersion1AndLaterOnesCountUp() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(4))
                .statusCode(201)
                .header("ETag", "\"1\"")
                .body("platform", equalTo("ios"))
                .body("version", equalTo(1))
                .body("status", equalTo("current"))
                .body("deviceId", equalTo("iphone-A.1"))
                .body("entryCount", equalTo(4))
                .body("entries[0].ref", equalTo("e0"))
                .body("entries[0].kind", equalTo("personal"))
                .body("entries[0].pushEnabled", equalTo(true))
                .body("entries[0].fingerprint", equalTo(null))
                .body("updatedAt", notNullValue());
        put(alice, "ios", "If-Match", "\"1\"", BackupFixtures.upload(5))
                .statusCode(200).header("ETag", "\"2\"").body("version", equalTo(2)).body("entryCount", equalTo(5));
        given().header("Authorization", alice.bearer()).get("/v1/backups/ios").then()
                .statusCode(200).header("ETag", "\"2\"").body("version", equalTo(2))
                .body("deviceName", equalTo("Alice's iPhone"))
                .body(not(containsString("ciphertext"))).body(not(containsString("dataKey")));
        assertEquals(2, versions(alice));
    }

    @Test
    void theDataKeyIsStoredOnlyWrappedUnderAKeyEncryptionKey() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> body = BackupFixtures.upload(1);
        put(alice, "android", "If-None-Match", "*", body).statusCode(201);
        byte[] dataKey = Base64.getDecoder().decode((String) body.get("dataKey"));
        byte[] wrapped = (byte[]) TestDatabase.scalar("""
                SELECT v.wrapped_key FROM backup_version v JOIN backup b ON b.id = v.backup_id WHERE b.account_id = ?""",
                alice.accountId());
        assertEquals(12 + 32 + 16, wrapped.length, "nonce + sealed key + GCM tag");
        assertFalse(new String(wrapped, StandardCharsets.ISO_8859_1)
                .contains(new String(dataKey, StandardCharsets.ISO_8859_1)));
        assertEquals("test-2", TestDatabase.scalar("""
                SELECT v.kek_id FROM backup_version v JOIN backup b ON b.id = v.backup_id WHERE b.account_id = ?""",
                alice.accountId()));
    }

    @Test
    void aStaleVersionIs412WithTheCurrentVersionAndStoresNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(2)).statusCode(201);
        put(alice, "ios", "If-Match", "\"1\"", BackupFixtures.upload(2)).statusCode(200);

        put(alice, "ios", "If-Match", "\"1\"", BackupFixtures.upload(3))
                .statusCode(412).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "stale-version")).body("currentVersion", equalTo(2));
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(3))
                .statusCode(412).body("type", equalTo(PROBLEM + "stale-version")).body("currentVersion", equalTo(2));

        assertEquals(2, versions(alice));
    }

    @Test
    void withoutAPreconditionTheAnswerIs428() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", null, null, BackupFixtures.upload(1))
                .statusCode(428).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "precondition-required"));
        assertEquals(0, versions(alice));
    }

    @Test
    void aRepeatedPreconditionIs412EvenForTheSameContent() {
        // The contract: 412 also for If-None-Match: * once a backup exists. A retry that must answer as the first
        // time did carries an Idempotency-Key (below).
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> first = BackupFixtures.upload(2);
        put(alice, "ios", "If-None-Match", "*", first).statusCode(201).body("version", equalTo(1));
        put(alice, "ios", "If-None-Match", "*", first).statusCode(412).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "stale-version")).body("currentVersion", equalTo(1));
        Map<String, Object> second = BackupFixtures.upload(2);
        put(alice, "ios", "If-Match", "\"1\"", second).statusCode(200).body("version", equalTo(2));
        put(alice, "ios", "If-Match", "\"1\"", second).statusCode(412)
                .body("type", equalTo(PROBLEM + "stale-version")).body("currentVersion", equalTo(2));
        assertEquals(2, versions(alice));
    }

    @Test
    void ciphertextOver256KiBIs413() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> body = BackupFixtures.upload(1);
        body.put("ciphertext", BackupFixtures.base64(256 * 1024 + 1));
        put(alice, "ios", "If-None-Match", "*", body)
                .statusCode(413).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "payload-too-large"));
        // Past the HTTP layer's limit (512 KiB of request) the body is refused unread, with a problem too.
        body.put("ciphertext", BackupFixtures.base64(1024 * 1024));
        put(alice, "ios", "If-None-Match", "*", body)
                .statusCode(413).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "payload-too-large")).body("status", equalTo(413));
        assertEquals(0, versions(alice));
        body.put("ciphertext", BackupFixtures.base64(256 * 1024));
        put(alice, "ios", "If-None-Match", "*", body).statusCode(201);
    }

    @Test
    void aBodySentWithoutALengthIsReadUpToTheLimitOnly() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> body = BackupFixtures.upload(1);
        body.put("ciphertext", BackupFixtures.base64(1024 * 1024));
        HttpResponse<String> refused = chunked(alice, body);
        assertEquals(413, refused.statusCode());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertEquals(PROBLEM + "payload-too-large", new ObjectMapper().readTree(refused.body()).get("type").asText());
        assertEquals(0, versions(alice));
        body.put("ciphertext", BackupFixtures.base64(4096));
        HttpResponse<String> stored = chunked(alice, body);
        assertEquals(201, stored.statusCode(), stored.body());
        assertEquals(1, versions(alice));
    }

    /** A PUT whose body is a stream of unknown length, which the JDK's client sends chunked, without a length. */
    private static HttpResponse<String> chunked(TestIssuer.Token token, Map<String, Object> body) throws Exception {
        byte[] json = new ObjectMapper().writeValueAsBytes(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                        + "/v1/backups/ios"))
                .header("Authorization", token.bearer()).header("If-None-Match", "*")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(json))).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void malformedJsonIs400() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", "{\"deviceId\": ")
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "malformed-request"));
        assertEquals(0, versions(alice));
    }

    @Test
    void aMethodTheBackupDoesNotSupportIs405NamingTheOnesItDoes() {
        TestIssuer.Token alice = TestIssuer.token();
        given().header("Authorization", alice.bearer()).contentType("application/json").body("{}")
                .post("/v1/backups/ios").then().statusCode(405).contentType("application/problem+json")
                .header("Allow", "DELETE, GET, HEAD, OPTIONS, PUT")
                .body("type", equalTo(PROBLEM + "method-not-allowed"));
        given().header("Authorization", alice.bearer()).delete("/v1/backups/ios/restore").then().statusCode(405)
                .header("Allow", "OPTIONS, POST");
        assertEquals(0, versions(alice));
    }

    @Test
    void aValueOfTheWrongShapeOrTypeIsAProblemNotACoercionOrAFailure() {
        TestIssuer.Token alice = TestIssuer.token();
        List<Object[]> wrong = List.of(
                new Object[] {"deviceName", Map.of("a", 1)},             // an object where text belongs
                new Object[] {"manifest", Map.of("entries", "x")},       // text where a list belongs
                new Object[] {"deviceName", 5},                          // a number is not the text "5"
                new Object[] {"deviceName", true},
                new Object[] {"deviceName", "Alice\u0000s phone"},      // U+0000, which PostgreSQL cannot store
                new Object[] {"manifest", Map.of("entries", List.of(BackupFixtures.entry("e0", "0", true)))},
                new Object[] {"manifest", Map.of("entries", List.of(Map.of("ref", "e0", "kind", 1,
                        "pushEnabled", true, "fingerprint", "ab")))});  // an enum is its name, not its position
        for (Object[] field : wrong) {
            Map<String, Object> body = BackupFixtures.upload(1);
            body.put((String) field[0], field[1]);
            put(alice, "ios", "If-None-Match", "*", body).statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "malformed-request")).body("status", equalTo(400));
        }
        // A body that is not an object at all.
        put(alice, "ios", "If-None-Match", "*", List.of(1, 2)).statusCode(400)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "malformed-request"));
        // Base64 without its padding is not the contract's standard base64.
        Map<String, Object> unpadded = BackupFixtures.upload(1);
        unpadded.put("ciphertext", "YWJjZA");
        put(alice, "ios", "If-None-Match", "*", unpadded).statusCode(422)
                .body("type", equalTo(PROBLEM + "validation-failed"));
        assertEquals(0, versions(alice));
    }

    @Test
    void ifMatchComparesStronglyAndMustBeAQuotedVersion() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(1)).statusCode(201);
        put(alice, "ios", "If-Match", "W/\"1\"", BackupFixtures.upload(1)).statusCode(412)
                .body("type", equalTo(PROBLEM + "stale-version")).body("currentVersion", equalTo(1));
        put(alice, "ios", "If-Match", "1", BackupFixtures.upload(1)).statusCode(400)
                .body("type", equalTo(PROBLEM + "malformed-request"));
        assertEquals(1, versions(alice));
        put(alice, "ios", "If-Match", "\"1\"", BackupFixtures.upload(1)).statusCode(200).body("version", equalTo(2));
    }

    @Test
    void anUnknownKindIs400NamingTheField() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> entry = BackupFixtures.entry("e1", "martian", false);
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(List.of(entry)))
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "malformed-request"))
                .body("detail", containsString("manifest.entries[0].kind"))
                .body(not(containsString("martian")));
        assertEquals(0, versions(alice));
    }

    @Test
    void invalidFieldsAre422WithEveryField() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> entry = BackupFixtures.entry("e1", "personal", false);
        entry.put("fingerprint", "not-hex");
        Map<String, Object> body = BackupFixtures.upload(List.of(entry));
        body.put("deviceId", "has spaces");
        put(alice, "ios", "If-None-Match", "*", body)
                .statusCode(422).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "validation-failed"))
                .body("errors.field", hasItems("deviceId", "manifest.entries[0].fingerprint"));
        assertEquals(0, versions(alice));
    }

    @Test
    void aDataKeyThatIsNot32BytesIs422() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> body = BackupFixtures.upload(1);
        body.put("dataKey", BackupFixtures.base64(16));
        put(alice, "ios", "If-None-Match", "*", body).statusCode(422)
                .body("type", equalTo(PROBLEM + "validation-failed"));
        body.put("dataKey", "%%%not base64%%%");
        put(alice, "ios", "If-None-Match", "*", body).statusCode(422)
                .body("type", equalTo(PROBLEM + "validation-failed")).body(not(containsString("%%%")));
        assertEquals(0, versions(alice));
    }

    @Test
    void theSameAccountTwiceInOneBackupIs422DuplicateEntry() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> a = BackupFixtures.entry("a", "third_party", false);
        Map<String, Object> b = BackupFixtures.entry("b", "third_party", false);
        b.put("fingerprint", a.get("fingerprint"));
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(List.of(a, b)))
                .statusCode(422).body("type", equalTo(PROBLEM + "duplicate-entry")).body("ref", equalTo("b"));
        assertEquals(0, versions(alice));
    }

    @Test
    void anotherAccountsBackupIs404AndUntouched() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(1)).statusCode(201);
        given().header("Authorization", bob.bearer()).get("/v1/backups/ios").then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "no-backup"));
        // bob's first upload is his own backup; alice's stays at version 1.
        put(bob, "ios", "If-Match", "\"1\"", BackupFixtures.upload(1)).statusCode(412).body("currentVersion", equalTo(0));
        put(bob, "ios", "If-None-Match", "*", BackupFixtures.upload(1)).statusCode(201);
        assertEquals(1, versions(alice));
        assertNotEquals(alice.accountId(), bob.accountId());
    }

    @Test
    void anUnknownPlatformIs404() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "windows-phone", "If-None-Match", "*", BackupFixtures.upload(1))
                .statusCode(404).contentType("application/problem+json");
    }

    @Test
    void theVersionsAreListedNewestFirstWithoutContent() {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(1)).statusCode(201);
        put(alice, "ios", "If-Match", "\"1\"", BackupFixtures.upload(3)).statusCode(200);
        given().header("Authorization", alice.bearer()).get("/v1/backups/ios/versions").then()
                .statusCode(200)
                .body("version", contains(2, 1))
                .body("entryCount", contains(3, 1))
                .body("[0].deviceName", equalTo("Alice's iPhone"))
                .body("[0].updatedAt", notNullValue())
                .body(not(containsString("ciphertext")));
        given().header("Authorization", TestIssuer.token().bearer()).get("/v1/backups/ios/versions").then()
                .statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
    }

    @Test
    void ofTwoConcurrentUploadsWithTheSameIfMatchExactlyOneWins() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(1)).statusCode(201);
        int rounds = 5;
        for (int round = 1; round <= rounds; round++) {
            assertEquals(List.of(200, 412), race(alice, "If-Match", "\"" + round + "\""), "round " + round);
        }
        assertEquals(1 + rounds, versions(alice));
    }

    @Test
    void ofTwoConcurrentFirstUploadsExactlyOneCreatesTheBackup() throws Exception {
        for (int round = 1; round <= 5; round++) {
            TestIssuer.Token bob = TestIssuer.token();
            // Neither finds a head to lock: the second insert of the head finds the first one's and decides again.
            assertEquals(List.of(201, 412), race(bob, "If-None-Match", "*"), "round " + round);
            assertEquals(1, versions(bob));
            put(bob, "ios", "If-None-Match", "*", BackupFixtures.upload(2)).statusCode(412)
                    .body("type", endsWith("/stale-version")).body("currentVersion", equalTo(1));
        }
    }

    /** Two uploads of different content with the same precondition at the same moment: their status codes, sorted. */
    private static List<Integer> race(TestIssuer.Token token, String precondition, String value) throws Exception {
        var pool = Executors.newFixedThreadPool(2);
        var start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int client = 0; client < 2; client++) {
            Map<String, Object> body = BackupFixtures.upload(2);
            answers.add(pool.submit(() -> {
                start.await();
                return given().header("Authorization", token.bearer()).header(precondition, value)
                        .contentType("application/json").body(body).put("/v1/backups/ios").statusCode();
            }));
        }
        start.countDown();
        List<Integer> codes = new ArrayList<>();
        for (var answer : answers) {
            codes.add(answer.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        Collections.sort(codes);
        return codes;
    }

    @Test
    void anIdempotencyKeyMakesARetryAnswerAsTheFirstTimeEvenAfterLaterVersions() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> first = BackupFixtures.upload(2);
        withKey(alice, "If-None-Match", "*", "key-1", first).statusCode(201).header("ETag", "\"1\"");
        withKey(alice, "If-None-Match", "*", "key-1", first).statusCode(201).header("ETag", "\"1\"")
                .body("version", equalTo(1));
        Map<String, Object> second = BackupFixtures.upload(3);
        withKey(alice, "If-Match", "\"1\"", "key-2", second).statusCode(200).body("version", equalTo(2));
        // The app lost the first answer and retries with its key: same answer, no new version.
        withKey(alice, "If-None-Match", "*", "key-1", first).statusCode(201).body("version", equalTo(1))
                .body("entryCount", equalTo(2));
        assertEquals(2, versions(alice));
    }

    @Test
    void anIdempotencyKeyReusedForOtherContentIs422AndStoresNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        withKey(alice, "If-None-Match", "*", "key-1", BackupFixtures.upload(1)).statusCode(201);
        withKey(alice, "If-Match", "\"1\"", "key-1", BackupFixtures.upload(1))
                .statusCode(422).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "idempotency-key-reused"));
        withKey(alice, "If-Match", "\"1\"", "x".repeat(256), BackupFixtures.upload(1))
                .statusCode(400).body("type", equalTo(PROBLEM + "malformed-request"));
        assertEquals(1, versions(alice));
    }

    private static ValidatableResponse withKey(TestIssuer.Token token, String header, String value, String key,
            Object body) {
        return given().header("Authorization", token.bearer()).header(header, value).header("Idempotency-Key", key)
                .contentType("application/json").body(body).put("/v1/backups/ios").then();
    }
}
