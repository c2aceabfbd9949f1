package dev.authbackup.testsupport;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Before a module's tests start, moves its test consumer group ({@code <service-name>-test}) past what is
 * already on the topics it consumed before: the events of earlier runs, of a local platform and of
 * benchmarks that share the broker. Each test then consumes only what it publishes itself, however long
 * the topics have grown. A group that never committed (a fresh broker, CI) starts from the earliest offset.
 */
public class SkipEarlierEvents implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String service = serviceName();
        if (service == null) {
            return;
        }
        String group = service + "-test";
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 10_000,
                "default.api.timeout.ms", 15_000);
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS)
                    .forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Not fatal: the tests still run, only slower if the topics hold a long backlog.
            System.err.println("SkipEarlierEvents: could not move " + group + " to the end of its topics: " + e);
        }
    }

    /** {@code authbackup.service-name} of the module under test, or null outside a service module. */
    private static String serviceName() {
        Path properties = Path.of("src/main/resources/application.properties");
        if (!Files.exists(properties)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(properties)) {
            Properties values = new Properties();
            values.load(in);
            return values.getProperty("authbackup.service-name");
        } catch (Exception e) {
            return null;
        }
    }
}
