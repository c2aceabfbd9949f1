package dev.authbackup.testsupport;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
     * Moves the test consumer group of the service under test ({@code <authbackup.service-name>-test}, see the shared
     * config) to the end of every topic it consumes, before the application starts: its consumers then begin with what
     * the tests publish, not with what a local platform or a benchmark published since the last test run (after
     * {@code ./platform bench backup}, hundreds of thousands of backup.events, which took the tests' 20 s and more).
     * The service and topics come from the module's {@code application.properties}; nothing happens without them. A
     * group with live members (another test run) is left as it is.
     */
    static void skipBacklog() {
        Properties config = new Properties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream("application.properties")) {
            if (in == null) {
                return;
            }
            config.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String service = config.getProperty("authbackup.service-name");
        Set<String> topics = new HashSet<>();
        config.stringPropertyNames().stream()
                .filter(name -> name.startsWith("mp.messaging.incoming.") && name.endsWith(".topic"))
                .forEach(name -> topics.add(config.getProperty(name)));
        if (service == null || topics.isEmpty()) {
            return;
        }
        String group = service + "-test";
        try (KafkaCompanion kafka = companion()) {
            topics.retainAll(kafka.topics().list()); // a topic nothing created yet has no backlog
            if (topics.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            endOffsets(kafka, topics).forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end)));
            try {
                kafka.consumerGroups().alterOffsets(group, ends);
            } catch (RuntimeException e) {
                // Another run's consumers are in the group: they own its offsets.
                System.err.println("TestKafka: the backlog of " + group + " was not skipped: " + e);
            }
        }
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
        return kafka.consumeStrings().fromOffsets(endOffsets(kafka, List.of(topic)), duration);
    }

    /** Where each partition of {@code topics} ends now: the offset the next record will get. */
    private static Map<TopicPartition, Long> endOffsets(KafkaCompanion kafka, Collection<String> topics) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        kafka.topics().describe(topics.toArray(String[]::new)).forEach((topic, description) -> {
            for (var partition : description.partitions()) {
                latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
            }
        });
        Map<TopicPartition, Long> ends = new HashMap<>();
        kafka.offsets().list(latest).forEach((partition, end) -> ends.put(partition, end.offset()));
        return ends;
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

    /** The record, its {@code ce_time} set to {@code time} (an event that occurred that long ago). */
    public static ProducerRecord<String, String> occurredAt(ProducerRecord<String, String> record, Instant time) {
        record.headers().remove("ce_time");
        record.headers().add("ce_time", bytes(time.atOffset(ZoneOffset.UTC).toString()));
        return record;
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
