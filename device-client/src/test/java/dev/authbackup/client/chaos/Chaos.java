package dev.authbackup.client.chaos;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The chaos stage's hands and eyes: faults through {@code ./platform fault}, and what the stores and
 * Kafka hold (outbox backlogs, consumer lag, dead letters, events per recovery, the projection).
 */
final class Chaos {

    static final List<String> SERVICES = List.of("backup-service", "recovery-service", "verification-service",
            "notification-service");
    static final List<String> DATABASES = List.of("backup", "recovery", "verification", "notification");
    static final List<String> DEAD_LETTERS = SERVICES.stream().map(s -> s + ".dlq").toList();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KAFKA = System.getProperty("authbackup.kafka", "127.0.0.1:9092");

    private Chaos() {
    }

    /** Runs {@code ./platform fault ACTION NAME} and waits for it (a restarted service is ready when it returns). */
    static void fault(String action, String name) {
        Path platform = Path.of(System.getProperty("authbackup.platform", "../platform")).toAbsolutePath();
        try {
            Process process = new ProcessBuilder(platform.toString(), "fault", action, name)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("./platform fault " + action + " " + name + " failed:\n" + output);
            }
            System.out.printf("chaos: fault %s %s%n", action, name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The account id the services store: the token's {@code sub@iss}. */
    static String accountId(String token) {
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            return claims.get("sub").asText() + "@" + claims.get("iss").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection database(String name) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + name, "postgres", "");
    }

    static long scalar(String database, String sql, Object... parameters) {
        try (Connection db = database(database); PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Events still waiting in the four outboxes. */
    static long outboxBacklog() {
        return DATABASES.stream().mapToLong(db -> scalar(db, "SELECT count(*) FROM outbox_event")).sum();
    }

    /**
     * A digest of every row of every table that holds {@code accountId}, per database; the outbox, the inbox
     * and the audit trails (which record refused attempts on purpose) aside.
     */
    static Map<String, String> rowsOf(String accountId) {
        Map<String, String> digests = new HashMap<>();
        for (String database : DATABASES) {
            try (Connection db = database(database)) {
                List<String> tables = new ArrayList<>();
                try (ResultSet columns = db.createStatement().executeQuery("""
                        SELECT table_name FROM information_schema.columns
                         WHERE table_schema = 'public' AND column_name = 'account_id'
                           AND table_name NOT IN ('outbox_event', 'processed_event') AND table_name NOT LIKE '%_audit'
                         ORDER BY table_name""")) {
                    while (columns.next()) {
                        tables.add(columns.getString(1));
                    }
                }
                for (String table : tables) {
                    try (PreparedStatement query = db.prepareStatement("SELECT count(*) || ':' || coalesce(md5(string_agg("
                            + "t::text, '|' ORDER BY t::text)), '') FROM " + table + " t WHERE account_id = ?")) {
                        query.setString(1, accountId);
                        try (ResultSet rows = query.executeQuery()) {
                            rows.next();
                            digests.put(database + "." + table, rows.getString(1));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return digests;
    }

    static Admin admin() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        return Admin.create(config);
    }

    /** Messages in each dead-letter topic now (end offsets summed over partitions). */
    static Map<String, Long> deadLetters() {
        try (Admin admin = admin()) {
            Map<String, Long> counts = new HashMap<>();
            for (String topic : DEAD_LETTERS) {
                counts.put(topic, endOffsets(admin, List.of(topic)).values().stream().mapToLong(Long::longValue).sum());
            }
            return counts;
        }
    }

    /** The lag of the platform's consumer groups that have members (test groups of earlier runs aside). */
    static long consumerLag() {
        try (Admin admin = admin()) {
            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get();
            List<String> ids = groups.stream().map(ConsumerGroupListing::groupId).toList();
            Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(ids).all().get();
            long lag = 0;
            for (ConsumerGroupDescription group : described.values()) {
                if (group.members().isEmpty()) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, Long> ends = endOffsets(admin, committed.keySet().stream().map(TopicPartition::topic)
                        .distinct().toList());
                for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                    if (entry.getValue() != null) {
                        lag += Math.max(0, ends.getOrDefault(entry.getKey(), 0L) - entry.getValue().offset());
                    }
                }
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) -> description.partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many distinct events of {@code type} each of {@code subjects} (by {@code field} of the data) has on {@code topic}. */
    static Map<String, Integer> eventsPer(String topic, String type, String field, Set<String> subjects) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Set<String>> ids = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config); Admin admin = admin()) {
            Map<TopicPartition, Long> ends = endOffsets(admin, List.of(topic));
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            Instant deadline = Instant.now().plusSeconds(60);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                    && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!type.equals(header(record, "ce_type"))) {
                        continue;
                    }
                    try {
                        String subject = JSON.readTree(record.value()).path(field).asText();
                        if (subjects.contains(subject)) {
                            ids.computeIfAbsent(subject, s -> new java.util.HashSet<>()).add(header(record, "ce_id"));
                        }
                    } catch (IOException notJson) {
                        // a poison message of the chaos stage itself
                    }
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        subjects.forEach(s -> counts.put(s, ids.getOrDefault(s, Set.of()).size()));
        return counts;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sends records as they are, headers (name, value, ...) included: poison for a consumer. */
    static void send(String topic, String key, String value, String... headers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            for (int i = 0; i + 1 < headers.length; i += 2) {
                record.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code value} until it is {@code wanted} or {@code patience} runs out; answers the last value. */
    static long awaitValue(LongSupplier value, long wanted, Duration patience) {
        AtomicLong last = new AtomicLong();
        try {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).atMost(patience)
                    .until(() -> {
                        last.set(value.getAsLong());
                        return last.get() == wanted;
                    });
        } catch (ConditionTimeoutException e) {
            // The caller reports the value it ended at.
        }
        return last.get();
    }
}
