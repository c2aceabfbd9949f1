import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's end-to-end latency as its {@code EndToEndLatency} tool measures it, with microseconds kept: each record is
 * sent (acks=all) and waited for, then the consumer polls until it has it; the time from before the send until the
 * poll returned it. The tool rounds each record's latency down to whole milliseconds before its percentiles, so on
 * one machine its p50 is "0" and cannot serve as a baseline.
 *
 * <p>With {@code --long-poll GAP_MS} it measures instead what a service's consumer sees: a consumer in a group of its
 * own, on its own thread, polling all the time with the client's default fetch settings (a fetch waits at the broker
 * until data arrives, up to {@code fetch.max.wait.ms}, 500 ms), as the services' channels do; a record is sent every
 * GAP_MS, as events arrive, and each is timed from before its send until that thread had it. The tool's pattern polls
 * only after the acknowledgement, when the record is already in the log; a waiting fetch woken by new data is slower.
 *
 * <p>{@code java -cp "<kafka>/libs/*" bench/KafkaLatencyProbe.java BOOTSTRAP TOPIC RECORDS SIZE [--long-poll GAP_MS]}:
 * prints {@code {"records":N,"p50Ms":..,"p99Ms":..,"meanMs":..}}. The first 10 % of the records warm up and are not
 * counted.
 */
public class KafkaLatencyProbe {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int records = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        if (args.length > 5 && args[4].equals("--long-poll")) {
            print(longPoll(bootstrap, topic, records, size, Long.parseLong(args[5])));
            return;
        }
        Properties producerProps = producerProps(bootstrap);
        Properties consumerProps = consumerProps(bootstrap);
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
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
        print(nanos);
    }

    /** Each record's time from before its send until a consumer polling on its own thread had it (see the class). */
    static long[] longPoll(String bootstrap, String topic, int records, int size, long gapMillis) throws Exception {
        Properties producerProps = producerProps(bootstrap);
        Properties consumerProps = consumerProps(bootstrap);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "bench.long-poll-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        long[] sent = new long[records];
        AtomicLongArray received = new AtomicLongArray(records);
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(records);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps); // used by the polling thread only
        Thread polling = new Thread(() -> {
            try (consumer) {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        partitions.forEach(consumer::position); // from the end, resolved before the first send
                        ready.countDown();
                    }
                });
                while (true) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        int index = Integer.parseInt(new String(record.key(), StandardCharsets.US_ASCII));
                        if (received.compareAndSet(index, 0, now)) {
                            all.countDown();
                        }
                    }
                }
            } catch (WakeupException stopped) {
                // asked to stop
            }
        }, "long-poll-consumer");
        polling.start();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the consumer was not assigned the topic within 60 s");
            }
            byte[] value = new byte[size];
            Random random = new Random(1);
            for (int i = 0; i < records; i++) {
                random.nextBytes(value);
                byte[] key = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
                sent[i] = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, key, value)).get();
                Thread.sleep(gapMillis);
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(all.getCount() + " records never reached the consumer");
            }
        } finally {
            consumer.wakeup();
            polling.join(30_000);
        }
        int warmup = records / 10;
        long[] nanos = new long[records - warmup];
        for (int i = warmup; i < records; i++) {
            nanos[i - warmup] = received.get(i) - sent[i];
        }
        return nanos;
    }

    /** The services' producer settings that matter here: acks=all, no linger. */
    private static Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private static void print(long[] nanos) {
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
