package dev.authbackup.backup.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.backup.rest.BackupFixtures;
import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.testsupport.TestKafka;
import dev.authbackup.testsupport.TopicRecording;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A stored backup reaches Kafka through the outbox: CloudEvents headers, account key, no secrets. */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class OutboxRelayTest {

    @RegisterExtension
    static final TopicRecording EVENTS = TopicRecording.of("backup.events");

    @BeforeAll
    static void cleanDatabase() {
        TestDatabase.truncateAll();
    }

    @Test
    void aStoredBackupIsPublishedAsBackupStoredV1() throws Exception {
        TestIssuer.Token alice = TestIssuer.token();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String ciphertext = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        String dataKey = Base64.getEncoder().encodeToString(key);
        String fingerprint = HexFormat.of().formatHex(key);
        // The topic is recorded from its start; only this test account's records count.

        given().header("Authorization", alice.bearer()).header("If-None-Match", "*").contentType("application/json")
                .body(Map.of("deviceId", "dev-1", "deviceName", "Phone", "ciphertext", ciphertext, "dataKey", dataKey,
                        "manifest", Map.of("entries", List.of(Map.of("ref", "g1", "kind", "third_party",
                                "pushEnabled", false, "fingerprint", fingerprint)))))
                .put("/v1/backups/ios").then().statusCode(201);

        await().atMost(Duration.ofSeconds(20)).until(() -> !EVENTS.withKey(alice.accountId()).isEmpty());
        List<ConsumerRecord<String, String>> mine = EVENTS.withKey(alice.accountId());
        assertEquals(1, mine.size());
        ConsumerRecord<String, String> record = mine.get(0);
        assertEquals("1.0", TestKafka.header(record, "ce_specversion"));
        assertEquals("backup.stored.v1", TestKafka.header(record, "ce_type"));
        assertEquals("/backup-service", TestKafka.header(record, "ce_source"));
        assertEquals("ios", TestKafka.header(record, "ce_subject"));
        assertEquals("application/json", TestKafka.header(record, "content-type"));
        assertNotNull(TestKafka.header(record, "ce_id"));
        assertNotNull(java.time.OffsetDateTime.parse(TestKafka.header(record, "ce_time")));

        JsonNode data = new ObjectMapper().readTree(record.value());
        assertEquals(alice.accountId(), data.get("accountId").asText());
        assertEquals(1, data.get("version").asInt());
        assertEquals("current", data.get("status").asText());
        assertEquals("g1", data.get("entries").get(0).get("ref").asText());
        assertEquals(fingerprint, data.get("entries").get(0).get("fingerprint").asText());
        assertFalse(record.value().contains(ciphertext), "no ciphertext in events");
        assertFalse(record.value().contains(dataKey), "no data key in events");

        // Delivered events leave the outbox.
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM outbox_event WHERE message_key = ?", alice.accountId()) == 0);
        assertTrue(TestDatabase.count("SELECT count(*) FROM backup_version") >= 1);
    }

    @Test
    void aRefusedUploadEmitsNoEvent() {
        TestIssuer.Token alice = TestIssuer.token();
        upload(alice, "If-None-Match", "*", 201);
        upload(alice, "If-Match", "\"1\"", 200);
        upload(alice, "If-Match", "\"1\"", 412);
        upload(alice, "If-None-Match", "*", 412);
        upload(alice, null, null, 428);
        // One account's events keep their order on one partition: once version 3's event is here,
        // any event of the refused uploads would have arrived before it.
        upload(alice, "If-Match", "\"2\"", 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> versionsSeen(alice).contains(3));
        assertEquals(List.of(1, 2, 3), versionsSeen(alice));
    }

    private static void upload(TestIssuer.Token token, String header, String value, int status) {
        var request = given().header("Authorization", token.bearer()).contentType("application/json")
                .body(BackupFixtures.upload(List.of()));
        if (header != null) {
            request.header(header, value);
        }
        request.put("/v1/backups/android").then().statusCode(status);
    }

    private static List<Integer> versionsSeen(TestIssuer.Token token) {
        return EVENTS.withKey(token.accountId()).stream()
                .map(r -> {
                    try {
                        return new ObjectMapper().readTree(r.value()).get("version").asInt();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }
}
