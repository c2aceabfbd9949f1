import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's end-to-end latency as its {@code EndToEndLatency} tool measures it, with microseconds kept: each record is
 * sent (acks=all) and waited for, then the consumer polls until it has it; the time from before the send until the
 * poll returned it. The tool rounds each record's latency down to whole milliseconds before its percentiles, so on
 * one machine its p50 is "0" and cannot serve as a baseline.
 *
 * <p>{@code java -cp "<kafka>/libs/*" bench/KafkaLatencyProbe.java BOOTSTRAP TOPIC RECORDS SIZE}: prints
 * {@code {"records":N,"p50Ms":..,"p99Ms":..,"meanMs":..}}. The first 10 % of the records warm up and are not counted.
 */
public class KafkaLatencyProbe {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int records = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        int warmup = records / 10;
        long[] nanos = new long[records - warmup];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            // As the tool: every partition of the topic assigned, from its end.
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolves the end offsets before the first send
            byte[] value = new byte[size];
            Random random = new Random(1);
            for (int i = 0; i < records; i++) {
                random.nextBytes(value);
                long begin = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, value)).get();
                ConsumerRecords<byte[], byte[]> received = consumer.poll(Duration.ofSeconds(60));
                while (received.isEmpty()) {
                    received = consumer.poll(Duration.ofSeconds(60));
                }
                long elapsed = System.nanoTime() - begin;
                if (!Arrays.equals(received.iterator().next().value(), value) || received.count() != 1) {
                    throw new IllegalStateException("the consumer did not read back exactly the record sent");
                }
                if (i >= warmup) {
                    nanos[i - warmup] = elapsed;
                }
            }
        }
        Arrays.sort(nanos);
        double sum = 0;
        for (long each : nanos) {
            sum += each;
        }
        System.out.printf(Locale.ROOT, "{\"records\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"meanMs\":%.3f}%n", nanos.length,
                nanos[nanos.length / 2] / 1e6, nanos[(int) Math.floor(0.99 * nanos.length)] / 1e6,
                sum / nanos.length / 1e6);
    }
}
