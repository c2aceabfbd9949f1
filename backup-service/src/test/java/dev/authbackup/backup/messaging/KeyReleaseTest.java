package dev.authbackup.backup.messaging;

import static dev.authbackup.backup.rest.BackupRequests.PROBLEM;
import static dev.authbackup.backup.rest.BackupRequests.create;
import static dev.authbackup.backup.rest.BackupRequests.get;
import static dev.authbackup.backup.rest.BackupRequests.update;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.backup.config.BackupConfig;
import dev.authbackup.backup.domain.BackupMaintenance;
import dev.authbackup.backup.domain.KeyEncryptionKeys;
import dev.authbackup.backup.domain.Platform;
import dev.authbackup.common.ids.TimeOrderedIds;
import dev.authbackup.testsupport.EventDelays;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import dev.authbackup.testsupport.TopicRecording;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Release of a backup to a recovery: authorised by recovery.started.v1 through the real broker, refused
 * precisely otherwise, audited and announced; data keys survive a KEK rotation.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class KeyReleaseTest {

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("backup.events");

    @Inject
    BackupMaintenance maintenance;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    private static void send(ProducerRecord<String, String> record) {
        EVENTS.send(record);
    }

    private static String started(UUID recovery, String account, String platform, int version, Instant at) {
        return """
                {"recoveryId":"%s","accountId":"%s","platform":"%s","backupVersion":%d,"deviceId":"iphone-B",
                 "startedAt":"%s","expiresAt":"%s","entries":[{"ref":"e0","kind":"personal","pushEnabled":true,
                 "requirement":"verification"}]}""".formatted(recovery, account, platform, version, at,
                at.plusSeconds(86400));
    }

    /** Sends recovery.started.v1 and waits until backup-service has recorded the authorisation. */
    private static UUID startRecovery(TestIssuer.Token token, String platform, int version) {
        UUID recovery = mintedAt(Instant.now());
        send(TestKafka.cloudEvent("recovery.events", token.accountId(), "recovery.started.v1",
                started(recovery, token.accountId(), platform, version, Instant.now())));
        awaitAuthorization(recovery);
        return recovery;
    }

    /** A recovery id as recovery-service mints them (UUIDv7), minted at the given time. */
    private static UUID mintedAt(Instant at) {
        return TimeOrderedIds.next(Clock.fixed(at, ZoneOffset.UTC));
    }

    private static void awaitAuthorization(UUID recovery) {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM release_authorization WHERE recovery_id = ?", recovery) == 1);
    }

    private static io.restassured.response.ValidatableResponse content(TestIssuer.Token token, String platform,
            Object recovery) {
        return get(token, "/v1/backups/" + platform + "/content?recoveryId=" + recovery);
    }

    private static String wrappedKeyOf(TestIssuer.Token token, int version, String column) {
        Object value = TestDatabase.scalar("SELECT v." + column + " FROM backup_version v JOIN backup b"
                + " ON b.id = v.backup_id WHERE b.account_id = ? AND v.version = ?",
                token.accountId(), version);
        return value instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : (String) value;
    }

    @Test
    void theAuthorisedRecoveryGetsTheCiphertextAndTheDataKeyOnceItsEventArrived() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> uploaded = create(alice, "ios", 4);
        UUID recovery = mintedAt(Instant.now()); // as recovery-service mints them;

        // Before recovery.started.v1 has arrived: not ready, retry in a second.
        content(alice, "ios", recovery).statusCode(409).contentType("application/problem+json")
                .header("Retry-After", "1").body("type", equalTo(PROBLEM + "recovery-not-ready"));

        send(TestKafka.cloudEvent("recovery.events", alice.accountId(), "recovery.started.v1",
                started(recovery, alice.accountId(), "ios", 1, Instant.now())));
        awaitAuthorization(recovery);
        ExtractableResponse<Response> released = content(alice, "ios", recovery).statusCode(200)
                .header("Cache-Control", "no-store")
                .body("version", equalTo(1))
                .body("ciphertext", equalTo(uploaded.get("ciphertext")))
                .body("dataKey", equalTo(uploaded.get("dataKey")))
                .body("settings", equalTo(uploaded.get("settings")))
                .body("manifest.entries.size()", equalTo(4))
                .body("manifest.entries[0].ref", equalTo("e0"))
                .extract();
        assertEquals(64, released.path("manifest.entries[0].fingerprint").toString().length());

        await().atMost(Duration.ofSeconds(20)).until(() ->
                EVENTS.typesWithKey(alice.accountId()).contains("backup.released.v1"));
        var record = EVENTS.withKey(alice.accountId()).stream()
                .filter(r -> "backup.released.v1".equals(TestKafka.header(r, "ce_type"))).toList();
        assertEquals(1, record.size());
        JsonNode data = new ObjectMapper().readTree(record.get(0).value());
        assertEquals(recovery.toString(), data.get("recoveryId").asText());
        assertEquals("iphone-B", data.get("deviceId").asText());
        assertEquals(1, data.get("version").asInt());
        assertFalse(record.get(0).value().contains((String) uploaded.get("dataKey")), "no key in the event");
        assertFalse(record.get(0).value().contains((String) uploaded.get("ciphertext")), "no ciphertext in the event");
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM release_audit WHERE recovery_id = ?", recovery));
    }

    @Test
    void theAuthorisedVersionIsReleasedEvenWhenANewerOneWasUploadedMeanwhile() {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> first = create(alice, "android", 1);
        UUID recovery = startRecovery(alice, "android", 1);
        update(alice, "android", 1, 2);
        content(alice, "android", recovery).statusCode(200).body("version", equalTo(1))
                .body("dataKey", equalTo(first.get("dataKey")));
    }

    @Test
    void nobodyElseAndNothingElseGetsTheContent() {
        TestIssuer.Token alice = TestIssuer.token();
        TestIssuer.Token bob = TestIssuer.token();
        TestIssuer.Token mallory = TestIssuer.token();
        create(alice, "ios", 1);
        create(bob, "ios", 1);
        UUID recovery = startRecovery(alice, "ios", 1);

        // bob has a backup of his own, mallory none: neither gets alice's release, guessed id or not.
        content(bob, "ios", recovery).statusCode(404).body("type", equalTo(PROBLEM + "no-release"));
        content(mallory, "ios", recovery).statusCode(404).body("type", equalTo(PROBLEM + "no-release"));
        content(mallory, "ios", mintedAt(Instant.now())).statusCode(404).body("type", equalTo(PROBLEM + "no-backup"));
        // Ids recovery-service never minted, or not within the release window (1 h), are not "not ready" but 404.
        content(alice, "ios", UUID.randomUUID()).statusCode(404).body("type", equalTo(PROBLEM + "no-release"));
        content(alice, "ios", mintedAt(Instant.now().minus(Duration.ofMinutes(61)))).statusCode(404)
                .body("type", equalTo(PROBLEM + "no-release"));
        content(alice, "ios", mintedAt(Instant.now().plus(Duration.ofMinutes(5)))).statusCode(404)
                .body("type", equalTo(PROBLEM + "no-release"));
        content(alice, "ios", mintedAt(Instant.now().minus(Duration.ofMinutes(59)))).statusCode(409)
                .body("type", equalTo(PROBLEM + "recovery-not-ready"));
        content(mallory, "ios", "not-a-uuid").statusCode(404);
        // alice: only on the platform of her recovery.
        content(alice, "android", recovery).statusCode(404);
        get(alice, "/v1/backups/ios/content").statusCode(404).body("type", equalTo(PROBLEM + "no-release"));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM release_audit WHERE recovery_id = ?", recovery));

        // An expired authorisation, and one whose recovery was cancelled, release nothing.
        TestDatabase.execute("UPDATE release_authorization SET expires_at = now() - interval '1 second' "
                + "WHERE recovery_id = ?", recovery);
        content(alice, "ios", recovery).statusCode(404).body("type", equalTo(PROBLEM + "no-release"));
        UUID cancelled = startRecovery(alice, "ios", 1);
        send(TestKafka.cloudEvent("recovery.events", alice.accountId(), "recovery.cancelled.v1",
                "{\"recoveryId\":\"%s\",\"accountId\":\"%s\",\"deviceId\":\"iphone-B\",\"cancelledAt\":\"%s\"}"
                        .formatted(cancelled, alice.accountId(), Instant.now())));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM release_authorization WHERE recovery_id = ? AND revoked_at IS NOT NULL",
                cancelled) == 1);
        content(alice, "ios", cancelled).statusCode(404).body("type", equalTo(PROBLEM + "no-release"));
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM release_audit WHERE account_id = ?",
                alice.accountId()));
    }

    @Test
    void aRedeliveredRecoveryStartedCreatesOneAuthorisation() {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 1);
        UUID recovery = UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        String body = started(recovery, alice.accountId(), "ios", 1, Instant.now());
        send(TestKafka.cloudEvent("recovery.events", alice.accountId(), eventId, "recovery.started.v1", body));
        send(TestKafka.cloudEvent("recovery.events", alice.accountId(), eventId, "recovery.started.v1", body));
        // The same recovery under another event id (a producer retry upstream) is still one authorisation.
        String again = UUID.randomUUID().toString();
        send(TestKafka.cloudEvent("recovery.events", alice.accountId(), again, "recovery.started.v1", body));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM processed_event WHERE event_id = ?", again) == 1);
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM processed_event WHERE event_id = ?", eventId));
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM release_authorization WHERE recovery_id = ?",
                recovery));
    }

    @Test
    void eachAppliedEventsDelayFromItsOccurrenceIsMeasuredOnce() {
        EventDelays.assertMeasuredOncePerEvent(registry, RecoveryEventsConsumer.CONSUMER, "recovery.events",
                KeyReleaseTest::send);
    }

    @Test
    void aPoisonRecoveryEventIsDeadLetteredAndThePartitionKeepsFlowing() {
        TestIssuer.Token alice = TestIssuer.token();
        create(alice, "ios", 1);
        var dlq = TestKafka.readFromStart(EVENTS.kafka(), "backup-service.dlq", Duration.ofSeconds(40));
        send(TestKafka.cloudEvent("recovery.events", alice.accountId(), "recovery.started.v1",
                "{\"recoveryId\":\"" + UUID.randomUUID() + "\",\"platform\":\"windows\"}"));
        UUID recovery = startRecovery(alice, "ios", 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> dlq.getRecords().stream()
                .anyMatch(r -> alice.accountId().equals(r.key())));
        dlq.stop();
        content(alice, "ios", recovery).statusCode(200);
    }

    @Test
    void dataKeysWrappedUnderARetiredKekStillReleaseAndAreReWrappedUnderTheCurrentOne() throws Throwable {
        TestIssuer.Token alice = TestIssuer.token();
        Map<String, Object> first = create(alice, "ios", 1);
        Map<String, Object> second = update(alice, "ios", 1, 1);
        // As if both versions had been stored before the rotation from test-1 to test-2.
        KeyEncryptionKeys before = new KeyEncryptionKeys(kekConfig("test-1"));
        for (var version : Map.of(1, first, 2, second).entrySet()) {
            byte[] dataKey = Base64.getDecoder().decode((String) version.getValue().get("dataKey"));
            KeyEncryptionKeys.Wrapped old = before.wrap(dataKey,
                    KeyEncryptionKeys.context(alice.accountId(), Platform.ios, version.getKey()));
            TestDatabase.execute("""
                    UPDATE backup_version v SET wrapped_key = ?, kek_id = ? FROM backup b
                     WHERE b.id = v.backup_id AND b.account_id = ? AND v.version = ?""",
                    old.bytes(), old.kekId(), alice.accountId(), version.getKey());
        }
        String oldWrap = wrappedKeyOf(alice, 1, "wrapped_key");

        // On read: version 1 is released with its key intact and re-wrapped on the way.
        content(alice, "ios", startRecovery(alice, "ios", 1)).statusCode(200)
                .body("dataKey", equalTo(first.get("dataKey")));
        assertEquals("test-2", wrappedKeyOf(alice, 1, "kek_id"));
        assertNotEquals(oldWrap, wrappedKeyOf(alice, 1, "wrapped_key"));

        // In the background: version 2 is re-wrapped by the maintenance job, and still releases.
        assertEquals("test-1", wrappedKeyOf(alice, 2, "kek_id"));
        int rewrapped = VertxContextSupport.subscribeAndAwait(() -> maintenance.rewrap());
        assertEquals(1, rewrapped);
        assertEquals("test-2", wrappedKeyOf(alice, 2, "kek_id"));
        content(alice, "ios", startRecovery(alice, "ios", 2)).statusCode(200)
                .body("dataKey", equalTo(second.get("dataKey")));
    }

    /** The test profile's KEKs, with another one current. */
    private static BackupConfig kekConfig(String currentId) {
        List<String> keys = List.of(ConfigProvider.getConfig().getValue("backup.kek.keys", String.class).split(","));
        return new BackupConfig() {
            @Override
            public int maxCiphertextBytes() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int maxManifestEntries() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Duration signInMaxAge() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Kek kek() {
                return new Kek() {
                    @Override
                    public List<String> keys() {
                        return keys;
                    }

                    @Override
                    public String currentId() {
                        return currentId;
                    }
                };
            }

            @Override
            public Retention retention() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Release release() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Maintenance maintenance() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
