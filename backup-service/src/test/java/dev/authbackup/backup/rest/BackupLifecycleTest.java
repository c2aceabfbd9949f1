package dev.authbackup.backup.rest;

import static dev.authbackup.backup.rest.BackupRequests.PROBLEM;
import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.delete;
import static dev.authbackup.backup.rest.BackupRequests.get;
import static dev.authbackup.backup.rest.BackupRequests.head;
import static dev.authbackup.backup.rest.BackupRequests.put;
import static dev.authbackup.backup.rest.BackupRequests.restore;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static dev.authbackup.backup.rest.BackupRequests.versions;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import dev.authbackup.testsupport.TopicRecording;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DELETE and POST .../restore: soft delete, undelete within the window, old versions made current again. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class BackupLifecycleTest {

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("backup.events");

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    private static void awaitEvents(TestIssuer.Token token, String... types) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertEquals(List.of(types), EVENTS.typesWithKey(token.accountId())));
    }

    private static JsonNode lastEvent(TestIssuer.Token token) throws Exception {
        var mine = EVENTS.withKey(token.accountId());
        return new ObjectMapper().readTree(mine.get(mine.size() - 1).value());
    }

    @Test
    void aDeletedBackupDisappearsAndAnUndoBringsItBackAsItWas() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 3);
        update(alice, "ios", 1, 4);

        delete(alice, "ios").statusCode(204);
        get(alice, "/v1/backups/ios").statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        get(alice, "/v1/backups/ios/versions").statusCode(404);
        get(alice, "/v1/backup-profile").statusCode(200).body("backups", empty());
        awaitEvents(alice, "backup.stored.v1", "backup.stored.v1", "backup.deleted.v1");
        JsonNode deleted = lastEvent(alice);
        assertEquals(2, deleted.get("version").asInt());
        assertEquals(3, deleted.get("revision").asInt());

        // A retried delete is harmless.
        delete(alice, "ios").statusCode(204);

        restore(alice, "ios", null).statusCode(200).header("ETag", "\"2\"")
                .body("version", equalTo(2)).body("entryCount", equalTo(4)).body("status", equalTo("current"));
        get(alice, "/v1/backups/ios").statusCode(200).body("version", equalTo(2));
        awaitEvents(alice, "backup.stored.v1", "backup.stored.v1", "backup.deleted.v1", "backup.restored.v1");
        JsonNode restored = lastEvent(alice);
        assertEquals(2, restored.get("version").asInt());
        assertEquals(4, restored.get("revision").asInt());
        assertEquals(4, restored.get("entries").size());
        assertEquals(2, versions(alice));

        // Undoing again answers the live backup and emits nothing more.
        restore(alice, "ios", null).statusCode(200).body("version", equalTo(2));
        assertEquals(4L, ((Number) head(alice, "ios", "revision")).longValue());
    }

    @Test
    void afterTheRestoreWindowADeletedBackupIsGoneForGood() {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "android", 1);
        delete(alice, "android").statusCode(204);
        TestDatabase.execute("UPDATE backup SET deleted_at = now() - interval '31 days' WHERE account_id = ?",
                alice.accountId());

        restore(alice, "android", null).statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        delete(alice, "android").statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        assertEquals(2L, ((Number) head(alice, "android", "revision")).longValue());
    }

    @Test
    void uploadingAfterADeleteStartsALiveBackupWhoseVersionsKeepCounting() {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 1);
        delete(alice, "ios").statusCode(204);
        put(alice, "ios", "If-Match", "\"1\"", BackupFixtures.upload(1)).statusCode(412)
                .body("currentVersion", equalTo(0));
        put(alice, "ios", "If-None-Match", "*", BackupFixtures.upload(2)).statusCode(201)
                .header("ETag", "\"2\"").body("version", equalTo(2));
        get(alice, "/v1/backups/ios").statusCode(200).body("version", equalTo(2));
    }

    @Test
    void restoringAnOldVersionMakesANewVersionWithItsContent() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 2);
        update(alice, "ios", 1, 5);
        String hashOfVersion1 = (String) TestDatabase.scalar("""
                SELECT v.content_hash FROM backup_version v JOIN backup b ON b.id = v.backup_id
                 WHERE b.account_id = ? AND v.version = 1""", alice.accountId());

        restore(alice, "ios", 1).statusCode(200).header("ETag", "\"3\"")
                .body("version", equalTo(3)).body("entryCount", equalTo(2));
        get(alice, "/v1/backups/ios/versions").statusCode(200).body("version", contains(3, 2, 1));
        assertEquals(hashOfVersion1, TestDatabase.scalar("""
                SELECT v.content_hash FROM backup_version v JOIN backup b ON b.id = v.backup_id
                 WHERE b.account_id = ? AND v.version = 3""", alice.accountId()));
        awaitEvents(alice, "backup.stored.v1", "backup.stored.v1", "backup.stored.v1");
        JsonNode stored = lastEvent(alice);
        assertEquals(3, stored.get("version").asInt());
        assertEquals(1, stored.get("restoredFrom").asInt());
        assertEquals(2, stored.get("entries").size());

        // The current version restored onto itself changes nothing.
        restore(alice, "ios", 3).statusCode(200).body("version", equalTo(3));
        assertEquals(3, versions(alice));
    }

    @Test
    void restoringAnUnknownVersionOrOverAStaleIfMatchChangesNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 1);
        update(alice, "ios", 1, 1);
        restore(alice, "ios", 9).statusCode(404).body("type", equalTo(PROBLEM + "version-not-found"))
                .body("version", equalTo(9));
        given().header("Authorization", alice.bearer()).header("If-Match", "\"1\"").contentType("application/json")
                .body("{\"version\":1}").post("/v1/backups/ios/restore").then()
                .statusCode(412).body("type", equalTo(PROBLEM + "stale-version")).body("currentVersion", equalTo(2));
        restore(alice, "ios", 0).statusCode(422).body("type", equalTo(PROBLEM + "validation-failed"));
        assertEquals(2, versions(alice));
        assertEquals(2L, ((Number) head(alice, "ios", "revision")).longValue());
    }

    @Test
    void anotherAccountCanNeitherDeleteNorRestoreABackupItDoesNotOwn() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        create(alice, "ios", 1);
        update(alice, "ios", 1, 1);
        delete(bob, "ios").statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        restore(bob, "ios", 1).statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        restore(bob, "ios", null).statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        get(alice, "/v1/backups/ios").statusCode(200).body("version", equalTo(2));
        assertEquals(2, versions(alice));
        // Refusals are counted by reason for the operators' dashboards.
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("authbackup_problems_total{application=\"backup-service\",status=\"404\",type=\"no-backup\"}"));
    }
}
