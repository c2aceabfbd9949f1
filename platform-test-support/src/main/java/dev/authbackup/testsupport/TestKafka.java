package dev.authbackup.testsupport;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.ConfigProvider;

/** The real broker that ./platform test starts, through SmallRye's KafkaCompanion. */
public final class TestKafka {

    private TestKafka() {
    }

    public static String bootstrapServers() {
        return ConfigProvider.getConfig().getOptionalValue("kafka.bootstrap.servers", String.class)
                .orElse("127.0.0.1:9092");
    }

    /** A companion on the broker; close it after the test class. */
    public static KafkaCompanion companion() {
        return new KafkaCompanion(bootstrapServers());
    }

    /**
     * Reads a topic from its first offset for {@code duration}, as a group of its own: records that
     * arrive before the consumer is assigned its partitions are not missed. Filter by key.
     */
    public static ConsumerTask<String, String> readFromStart(KafkaCompanion kafka, String topic, Duration duration) {
        return kafka.consumeStrings()
                .withGroupId("test-reader-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(topic, duration);
    }

    /**
     * Reads a topic for {@code duration} from where each of its partitions ends now, without a group: only what is
     * published from now on, however many records earlier runs, a local platform or a benchmark left on the shared
     * broker. Records published after this returns are not missed, even before the reader has polled once.
     */
    public static ConsumerTask<String, String> readFromNow(KafkaCompanion kafka, String topic, Duration duration) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var partition : kafka.topics().describe(topic).get(topic).partitions()) {
            latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        kafka.offsets().list(latest).forEach((partition, end) -> ends.put(partition, end.offset()));
        return kafka.consumeStrings().fromOffsets(ends, duration);
    }

    /** A CloudEvents binary-mode record, as a service's outbox relay writes it. */
    public static ProducerRecord<String, String> cloudEvent(String topic, String key, String id, String type,
            String json) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes(id));
        headers.add("ce_type", bytes(type));
        headers.add("ce_source", bytes("/test"));
        headers.add("ce_time", bytes(OffsetDateTime.now(ZoneOffset.UTC).toString()));
        headers.add("content-type", bytes("application/json"));
        return new ProducerRecord<>(topic, null, key, json, headers);
    }

    public static ProducerRecord<String, String> cloudEvent(String topic, String key, String type, String json) {
        return cloudEvent(topic, key, UUID.randomUUID().toString(), type, json);
    }

    /** The records with this key (one account's events) that a reader has seen so far, in order. */
    public static List<ConsumerRecord<String, String>> withKey(ConsumerTask<String, String> task, String key) {
        return task.getRecords().stream().filter(r -> key.equals(r.key())).toList();
    }

    /** The {@code ce_type}s of those records, in order. */
    public static List<String> typesWithKey(ConsumerTask<String, String> task, String key) {
        return withKey(task, key).stream().map(r -> header(r, "ce_type")).toList();
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
