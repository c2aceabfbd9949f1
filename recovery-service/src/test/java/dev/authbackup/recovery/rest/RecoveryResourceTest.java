package dev.authbackup.recovery.rest;

import static dev.authbackup.recovery.rest.RecoveryFixtures.MIXED;
import static dev.authbackup.recovery.rest.RecoveryFixtures.PROBLEM;
import static dev.authbackup.recovery.rest.RecoveryFixtures.begin;
import static dev.authbackup.recovery.rest.RecoveryFixtures.get;
import static dev.authbackup.recovery.rest.RecoveryFixtures.post;
import static dev.authbackup.recovery.rest.RecoveryFixtures.project;
import static dev.authbackup.recovery.rest.RecoveryFixtures.recoveriesOf;
import static dev.authbackup.recovery.rest.RecoveryFixtures.started;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST/GET/DELETE /v1/recoveries: each refusal in the contract's order, creating nothing; then creation. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class RecoveryResourceTest {

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("recovery.events");

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    private static long startedEventsFor(UUID recovery) {
        return EVENTS.all().stream().filter(r -> r.value().contains(recovery.toString())).count();
    }

    @Test
    void aRecoveryHasOneEntryPerBackupEntryWithItsRequirementAndIsAnnounced() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 3, "current", MIXED);

        String id = post(alice, begin("ios", "iphone-B", "ff".repeat(32))).statusCode(201)
                .body("status", equalTo("awaiting_download"))
                .body("platform", equalTo("ios"))
                .body("backupVersion", equalTo(3))
                .body("entries.ref", contains("personal-push", "personal-totp", "work-push", "work-totp", "google"))
                .body("entries.requirement", contains("verification", "device_credential", "verification", "none",
                        "none"))
                .body("entries.state", everyItem(equalTo("pending")))
                .body(not(containsString("fingerprint")))
                .extract().path("id");
        UUID recovery = UUID.fromString(id);
        get(alice, recovery).statusCode(200).body("id", equalTo(id)).body("deviceId", equalTo("iphone-B"))
                .body("entries.size()", equalTo(5));

        await().atMost(Duration.ofSeconds(20)).until(() -> startedEventsFor(recovery) == 1);
        var record = EVENTS.withKey(alice.accountId()).stream()
                .filter(r -> r.value().contains(id)).findFirst().orElseThrow();
        assertEquals("recovery.started.v1", TestKafka.header(record, "ce_type"));
        JsonNode data = new ObjectMapper().readTree(record.value());
        assertEquals("iphone-B", data.get("deviceId").asText());
        assertEquals(3, data.get("backupVersion").asInt());
        assertEquals("ios", data.get("platform").asText());
        assertEquals("verification", data.get("entries").get(0).get("requirement").asText());
        assertFalse(record.value().contains("fingerprint"), "fingerprints stay in recovery-service");
    }

    @Test
    void withoutABackupTheAnswerIsNoBackup() {
        TestIssuer.Token alice = TestIssuer.token();
        post(alice, begin("ios", "iphone-B")).statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "no-backup"));
        // A deleted backup counts as none.
        project(alice.accountId(), "ios", 1, "current", MIXED);
        TestDatabase.execute("UPDATE backup_projection SET deleted = TRUE WHERE account_id = ?", alice.accountId());
        post(alice, begin("ios", "iphone-B")).statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        assertEquals(0, recoveriesOf(alice));
    }

    @Test
    void aBackupOnlyOnTheOtherPlatformIsNamedWithAnExplanation() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 2, "current", MIXED);
        post(alice, begin("android", "pixel-B")).statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "backup-on-other-platform"))
                .body("availablePlatforms", contains("ios"))
                .body("detail", containsString("cannot be recovered across iOS and Android"));
        assertEquals(0, recoveriesOf(alice));
    }

    @Test
    void withoutAFreshSignInTheAnswerIsTheStepUpChallenge() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        TestIssuer.Token stale = TestIssuer.token(alice.subject()).signedInSecondsAgo(900);
        post(stale, begin("ios", "iphone-B")).statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("error=\"insufficient_user_authentication\""))
                .header("WWW-Authenticate", containsString("max_age=300"));
        post(TestIssuer.token(alice.subject()).withoutAuthTime(), begin("ios", "iphone-B")).statusCode(401);

        // An out-of-date backup says why the sign-in is needed.
        TestDatabase.execute("UPDATE backup_projection SET status = 'sign_in_required' WHERE account_id = ?",
                alice.accountId());
        post(stale, begin("ios", "iphone-B")).statusCode(401).body("reason", containsString("out of date"));
        assertEquals(0, recoveriesOf(alice));
        // After a fresh sign-in the out-of-date backup recovers.
        post(TestIssuer.token(alice.subject()).signedInSecondsAgo(3), begin("ios", "iphone-B")).statusCode(201);
    }

    @Test
    void accountsAlreadyOnTheDeviceAreListedAndNothingIsOverwritten() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        post(alice, begin("ios", "iphone-B", "ab".repeat(32), MIXED.get(4).fingerprint(), MIXED.get(2).fingerprint()))
                .statusCode(409).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "existing-accounts"))
                .body("conflicts", contains("work-push", "google"));
        assertEquals(0, recoveriesOf(alice));
    }

    @Test
    void aSecondActiveRecoveryOnTheSameDeviceIsRefusedUnlessItIsTheSameRequest() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        UUID first = started(alice, "ios", "iphone-B");
        post(alice, begin("ios", "iphone-B")).statusCode(409)
                .body("type", equalTo(PROBLEM + "recovery-in-progress"))
                .body("recoveryId", equalTo(first.toString()));
        // Another device of the same account may recover at the same time.
        started(alice, "ios", "iphone-C");

        // The same Idempotency-Key answers the recovery it began, even after it began.
        String once = given().header("Authorization", alice.bearer()).header("Idempotency-Key", "k-1")
                .contentType("application/json").body(begin("ios", "ipad-D")).post("/v1/recoveries").then()
                .statusCode(201).extract().path("id");
        given().header("Authorization", alice.bearer()).header("Idempotency-Key", "k-1")
                .contentType("application/json").body(begin("ios", "ipad-D")).post("/v1/recoveries").then()
                .statusCode(201).body("id", equalTo(once));
        // The same key with another device is another request: refused, and it begins nothing.
        given().header("Authorization", alice.bearer()).header("Idempotency-Key", "k-1")
                .contentType("application/json").body(begin("ios", "ipad-E")).post("/v1/recoveries").then()
                .statusCode(422).contentType("application/problem+json")
                .body("type", equalTo(PROBLEM + "idempotency-key-reused"));
        assertEquals(3, recoveriesOf(alice));
    }

    @Test
    void invalidRequestsAre422AndCreateNothing() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        post(alice, begin("windows", "pc")).statusCode(422).body("type", equalTo(PROBLEM + "validation-failed"))
                .body("errors.field", hasItems("platform"));
        post(alice, begin("ios", "has spaces", "not-hex")).statusCode(422)
                .body("errors.field", hasItems("deviceId"));
        post(alice, Map.of("platform", "ios")).statusCode(422).body("errors.field", hasItems("deviceId"));
        // Without the device's fingerprints the conflict check could not run: refused, never taken as "none".
        post(alice, Map.of("platform", "ios", "deviceId", "iphone-B")).statusCode(422)
                .body("errors.field", hasItems("localFingerprints"));
        post(alice, "{\"platform\": ").statusCode(400).body("type", equalTo(PROBLEM + "malformed-request"));
        assertEquals(0, recoveriesOf(alice));
    }

    @Test
    void anotherAccountCannotSeeOrCancelARecovery() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        project(alice.accountId(), "ios", 1, "current", MIXED);
        UUID recovery = started(alice, "ios", "iphone-B");
        get(bob, recovery).statusCode(404).body("type", equalTo(PROBLEM + "recovery-not-found"));
        given().header("Authorization", bob.bearer()).delete("/v1/recoveries/" + recovery).then().statusCode(404)
                .body("type", equalTo(PROBLEM + "recovery-not-found"));
        get(bob, UUID.randomUUID()).statusCode(404);
        // bob has no backup of his own: alice's is not his to recover either.
        post(bob, begin("ios", "iphone-B")).statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        get(alice, recovery).statusCode(200).body("status", equalTo("awaiting_download"));
    }

    @Test
    void aCancelledRecoveryEndsAndFreesItsDevice() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "android", 1, "current", MIXED);
        UUID recovery = started(alice, "android", "pixel-B");
        given().header("Authorization", alice.bearer()).delete("/v1/recoveries/" + recovery).then().statusCode(204);
        given().header("Authorization", alice.bearer()).delete("/v1/recoveries/" + recovery).then().statusCode(204);
        get(alice, recovery).statusCode(200).body("status", equalTo("cancelled"));
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.typesWithKey(alice.accountId())
                .equals(List.of("recovery.started.v1", "recovery.cancelled.v1")));
        started(alice, "android", "pixel-B");
    }

    @Test
    void aFinishedRecoveryCannotBeCancelledAndSaysWhy() {
        TestIssuer.Token alice = TestIssuer.token();
        project(alice.accountId(), "android", 1, "current", MIXED);
        UUID recovery = started(alice, "android", "pixel-C");
        TestDatabase.execute("UPDATE recovery SET status = 'completed', finished_at = now() WHERE id = ?", recovery);
        given().header("Authorization", alice.bearer()).delete("/v1/recoveries/" + recovery).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(PROBLEM + "recovery-finished"))
                .body("status", equalTo(409)).body("recoveryStatus", equalTo("completed"));
    }
}
