package dev.authbackup.testsupport;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Records what is published to a topic while a test class runs (from where the topic ends when the class starts),
 * and sends records to the broker:
 * {@code @RegisterExtension static final TopicRecording EVENTS = TopicRecording.of("backup.events");}.
 * Other tests write to the same topics, so read one account's records with {@link #withKey}.
 */
public final class TopicRecording implements BeforeAllCallback, AfterAllCallback {

    private final String topic;
    private KafkaCompanion kafka;
    private ConsumerTask<String, String> records;

    private TopicRecording(String topic) {
        this.topic = topic;
    }

    public static TopicRecording of(String topic) {
        return new TopicRecording(topic);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = TestKafka.companion();
        records = TestKafka.readFromNow(kafka, topic, Duration.ofMinutes(5));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        records.stop();
        kafka.close();
    }

    /** The broker, for reading other topics (such as a dead-letter topic) in one test. */
    public KafkaCompanion kafka() {
        return kafka;
    }

    /** Sends a record and waits for the broker's acknowledgement. */
    public void send(ProducerRecord<String, String> record) {
        kafka.produceStrings().fromRecords(record).awaitCompletion(Duration.ofSeconds(10));
    }

    /** The recorded records with this key (one account's events), in order. */
    public List<ConsumerRecord<String, String>> withKey(String key) {
        return TestKafka.withKey(records, key);
    }

    /** The {@code ce_type}s of those records, in order. */
    public List<String> typesWithKey(String key) {
        return TestKafka.typesWithKey(records, key);
    }

    /** The data of this key's records of one type, in order. */
    public List<String> dataOf(String key, String type) {
        return withKey(key).stream().filter(r -> type.equals(TestKafka.header(r, "ce_type")))
                .map(ConsumerRecord::value).toList();
    }

    /** Every record recorded so far, whatever its key. */
    public List<ConsumerRecord<String, String>> all() {
        return records.getRecords();
    }
}
