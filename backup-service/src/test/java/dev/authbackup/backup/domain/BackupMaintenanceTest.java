package dev.authbackup.backup.domain;

import static dev.authbackup.backup.rest.BackupRequests.PROBLEM;
import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.delete;
import static dev.authbackup.backup.rest.BackupRequests.get;
import static dev.authbackup.backup.rest.BackupRequests.head;
import static dev.authbackup.backup.rest.BackupRequests.put;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static dev.authbackup.backup.rest.BackupRequests.versions;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.backup.rest.BackupFixtures;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import dev.authbackup.testsupport.TopicRecording;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scheduled upkeep, run on demand: staleness, retention with crypto-shred, and KEK re-wrapping. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class BackupMaintenanceTest {

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("backup.events");

    @Inject
    BackupMaintenance maintenance;

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    private int markStale() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> maintenance.markStale());
    }

    private int purge() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> maintenance.purge());
    }

    private static void signedInDaysAgo(TestIssuer.Token token, int days) {
        TestDatabase.execute("UPDATE backup SET signed_in_at = now() - make_interval(days => ?) WHERE account_id = ?",
                days, token.accountId());
    }

    @Test
    void aBackupWithoutARecentSignInNeedsAFreshOneBeforeTheNextUpload() throws Throwable {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token carol = TestIssuer.token();
        create(alice, "ios", 2);
        create(carol, "ios", 2);
        signedInDaysAgo(alice, 31);
        signedInDaysAgo(carol, 29);

        markStale();
        get(alice, "/v1/backups/ios").statusCode(200).body("status", equalTo("sign_in_required"));
        get(carol, "/v1/backups/ios").statusCode(200).body("status", equalTo("current"));
        get(alice, "/v1/backup-profile").statusCode(200).body("backups.status", contains("sign_in_required"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(
                List.of("backup.stored.v1", "backup.status-changed.v1"),
                EVENTS.typesWithKey(alice.accountId())));
        var changed = new ObjectMapper().readTree(EVENTS.withKey(alice.accountId()).get(1).value());
        assertEquals("sign_in_required", changed.get("status").asText());
        assertEquals("current", changed.get("previousStatus").asText());
        assertEquals(2, changed.get("revision").asInt());
        given().get("/q/metrics").then().body(containsString("authbackup_backups_stale"));

        // Running the check again changes nothing more.
        markStale();
        assertEquals(2L, ((Number) head(alice, "ios", "revision")).longValue());

        // An upload with a sign-in older than 300 s gets the RFC 9470 challenge and stores nothing.
        TestIssuer.Token stale = TestIssuer.token(alice.subject()).signedInSecondsAgo(3600);
        put(stale, "ios", "If-Match", "\"1\"", BackupFixtures.upload(2))
                .statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("insufficient_user_authentication"))
                .header("WWW-Authenticate", containsString("max_age=300"));
        assertEquals(1, versions(alice));

        // A fresh sign-in makes it current again.
        TestIssuer.Token fresh = TestIssuer.token(alice.subject()).signedInSecondsAgo(5);
        put(fresh, "ios", "If-Match", "\"1\"", BackupFixtures.upload(2)).statusCode(200)
                .body("status", equalTo("current")).body("version", equalTo(2));
        markStale();
        get(alice, "/v1/backups/ios").statusCode(200).body("status", equalTo("current"));
    }

    @Test
    void retentionKeepsTheLastFiveAndTheLastThirtyDaysAndShredsTheRest() throws Throwable {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 1);
        for (int version = 1; version < 8; version++) {
            update(alice, "ios", version, 1);
        }
        // Versions 1-3 and 5 are older than 30 days; 1-3 are also outside the newest five (4-8).
        TestDatabase.execute("""
                UPDATE backup_version v SET created_at = now() - interval '40 days' FROM backup b
                 WHERE b.id = v.backup_id AND b.account_id = ? AND v.version IN (1, 2, 3, 5)""", alice.accountId());

        purge();
        get(alice, "/v1/backups/ios/versions").statusCode(200).body("version", contains(8, 7, 6, 5, 4));
        assertEquals(5, versions(alice));
        purge();
        assertEquals(5, versions(alice));
    }

    @Test
    void aDeletedBackupPastItsRestoreWindowIsErasedWithItsKeys() throws Throwable {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        create(alice, "android", 1);
        update(alice, "android", 1, 1);
        create(bob, "android", 1);
        delete(alice, "android").statusCode(204);
        delete(bob, "android").statusCode(204);
        TestDatabase.execute("UPDATE backup SET deleted_at = now() - interval '31 days' WHERE account_id = ?",
                alice.accountId());

        long revisionBefore = ((Number) head(alice, "android", "revision")).longValue();
        purge();
        assertEquals(0, versions(alice));
        assertEquals(0L, TestDatabase.count("""
                SELECT count(*) FROM backup_version v JOIN backup b ON b.id = v.backup_id
                 WHERE b.account_id = ? AND (v.wrapped_key IS NOT NULL OR v.ciphertext IS NOT NULL)""",
                alice.accountId()));
        // bob's deleted backup is still in its window: untouched and restorable.
        assertEquals(1, versions(bob));
        given().header("Authorization", bob.bearer()).post("/v1/backups/android/restore").then().statusCode(200);
        get(alice, "/v1/backups/android").statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        given().header("Authorization", alice.bearer()).post("/v1/backups/android/restore").then().statusCode(404);
        get(alice, "/v1/backup-profile").statusCode(200).body("backups.size()", equalTo(0));

        // Backing up again starts a backup whose revision is newer than the purged one's, so that consumers'
        // projections (which take only a newer revision) see it instead of dropping it as old.
        put(alice, "android", "If-None-Match", "*", BackupFixtures.upload(1)).statusCode(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.withKey(alice.accountId()).stream()
                .filter(r -> "backup.stored.v1".equals(TestKafka.header(r, "ce_type"))).count() == 3);
        var stored = EVENTS.withKey(alice.accountId()).stream()
                .filter(r -> "backup.stored.v1".equals(TestKafka.header(r, "ce_type"))).toList();
        long revisionAfter = new ObjectMapper().readTree(stored.get(2).value()).get("revision").asLong();
        assertTrue(revisionAfter > revisionBefore, revisionAfter + " after a purge, " + revisionBefore + " before");
        assertEquals(1, versions(alice));
    }
}
