package dev.authbackup.client.chaos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault-injection stage of {@code ./platform test}: each scenario runs a workload, injects a fault,
 * heals it and checks that every acknowledged write is present exactly once, every started recovery
 * completes, and no event is lost (outboxes drain, consumers catch up, nothing is dead-lettered) or applied
 * twice (one {@code recovery.completed.v1} per recovery, the projection at the backup's revision). Prints a
 * summary table; any loss, duplicate or 5xx fails it. 503 answers while a store is away are counted apart:
 * they are the right answer then.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSuite {

    record Row(String scenario, long operations, int faults, long lost, long duplicated, long serverErrors,
            long unavailable) {
    }

    private static final List<Row> ROWS = new ArrayList<>();
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @Test
    @Order(1)
    void killMinusNineEachServiceMidWorkload() {
        underLoad("kill -9 each service, restart", "chaos-kill", Chaos.SERVICES.size(), () -> {
            for (String service : Chaos.SERVICES) {
                Chaos.fault("kill", service);
                Workload.pause(2000);
                Chaos.fault("start", service);
                Workload.pause(2000);
            }
        });
    }

    @Test
    @Order(2)
    void kafkaStopsForTwentySeconds() {
        underLoad("Kafka stopped 20 s, restarted", "chaos-kafka", 1, () -> {
            Chaos.fault("stop", "kafka");
            Workload.pause(20_000);
            Chaos.fault("start", "kafka");
            Workload.pause(3000);
        });
    }

    @Test
    @Order(3)
    void postgresRestartsUnderLoad() {
        underLoad("PostgreSQL restarted under load", "chaos-pg", 1, () -> {
            Chaos.fault("restart", "postgres");
            Workload.pause(5000);
        });
    }

    /** Three people upload and recover while {@code faults} run after 3 s; then the invariants are checked. */
    private static void underLoad(String scenario, String people, int faultCount, Runnable faults) {
        Map<String, Long> deadLetters = Chaos.deadLetters();
        Workload workload = Workload.start(people, 3);
        try (workload) {
            Workload.pause(3000);
            faults.run();
        }
        check(scenario, workload, faultCount, deadLetters);
    }

    @Test
    @Order(4)
    void verificationFailsClosedWithoutRedisAndRecovers() {
        Workload workload = Workload.start("chaos-redis", 1);
        workload.close();
        Workload.Person person = workload.people.get(0);
        AuthenticatorApp phone = person.phone;
        quiesce();
        Map<String, String> before = Chaos.rowsOf(person.accountId);
        AtomicLong serverErrors = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        Chaos.fault("stop", "redis");
        try {
            Answer refused = tally(addAlternateEmail(phone), unavailable, serverErrors);
            assertEquals(503, refused.status(), "verification-service without Redis: " + refused.body());
            assertEquals("service-unavailable", refused.problem());
            assertEquals(before, Chaos.rowsOf(person.accountId), "a refused request changed rows");
        } finally {
            Chaos.fault("start", "redis");
        }
        // Tried again until verification-service reaches Redis again.
        AtomicReference<Answer> added = new AtomicReference<>();
        try {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        added.set(tally(addAlternateEmail(phone), unavailable, serverErrors));
                        return added.get().status() == 201;
                    });
        } catch (ConditionTimeoutException e) {
            // The assertion below says what the last attempt answered.
        }
        assertEquals(201, added.get().status(), "after Redis is back: " + added.get().body());
        record(new Row("Redis stopped, restarted", 2 + unavailable.get(), 1, 0, 0, serverErrors.get(),
                unavailable.get()));
        assertEquals(0, serverErrors.get());
    }

    /** Counts a 503 as unavailable and any other 5xx as a server error; answers the answer. */
    private static Answer tally(Answer answer, AtomicLong unavailable, AtomicLong serverErrors) {
        if (answer.status() == 503) {
            unavailable.incrementAndGet();
        } else if (answer.status() >= 500) {
            serverErrors.incrementAndGet();
        }
        return answer;
    }

    private static Answer addAlternateEmail(AuthenticatorApp phone) {
        return phone.http().call("POST", phone.endpoints().verification() + "/v1/security-info", phone.token(),
                Map.of("type", "email", "value", "chaos-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com"));
    }

    @Test
    @Order(5)
    void poisonMessagesAreDeadLetteredAndThePartitionKeepsFlowing() {
        Workload workload = Workload.start("chaos-poison", 1);
        workload.close();
        String account = workload.people.get(0).accountId;
        Map<String, Long> before = Chaos.deadLetters();
        Map<String, String> handled = Map.of("backup.events", "backup.stored.v1",
                "recovery.events", "recovery.started.v1", "verification.events", "verification.succeeded.v1",
                "device.events", "device.push-key-registered.v1",
                "verification.code-deliveries", "verification.code-delivery.v1");
        int sent = 0;
        for (Map.Entry<String, String> topic : handled.entrySet()) {
            for (String body : List.of("{not json", "[1, 2, 3]")) {
                Chaos.send(topic.getKey(), account, body, "ce_id", UUID.randomUUID().toString(), "ce_type",
                        topic.getValue(), "ce_source", "/chaos", "ce_specversion", "1.0", "ce_time",
                        java.time.Instant.now().toString(), "content-type", "application/json");
                sent++;
            }
        }
        // recovery.events has three consumers; the others one each.
        Map<String, Long> expected = Map.of("backup-service.dlq", 2L, "verification-service.dlq", 2L,
                "notification-service.dlq", 4L, "recovery-service.dlq", 6L);
        Map<String, Long> delta = new HashMap<>();
        for (String topic : Chaos.DEAD_LETTERS) {
            long reached = Chaos.awaitValue(() -> Chaos.deadLetters().get(topic) - before.get(topic),
                    expected.get(topic), Duration.ofSeconds(60));
            delta.put(topic, reached);
        }
        // The same key, so the same partitions: a recovery of this account still flows through every consumer.
        Workload.Person person = workload.people.get(0);
        rerun(person);
        long lost = 0;
        for (String topic : Chaos.DEAD_LETTERS) {
            lost += Math.max(0, expected.get(topic) - delta.get(topic));
        }
        long duplicated = Chaos.DEAD_LETTERS.stream().mapToLong(t -> Math.max(0, delta.get(t) - expected.get(t))).sum();
        long unfinished = workload.settle(SETTLE);
        record(new Row("poison on every consumed topic", sent + workload.operations.get(), sent, lost + unfinished,
                duplicated, workload.serverErrors.get(), workload.unavailable.get()));
        assertEquals(expected, delta, "dead letters per service");
        assertEquals(0, unfinished, "a recovery after the poison did not complete: " + workload.anomalies);
    }

    /** One more recovery of {@code person}'s backup, begun and driven on a new phone. */
    private static void rerun(Workload.Person person) {
        AuthenticatorApp phone = new AuthenticatorApp(person.phone.endpoints(), "poison-" + UUID.randomUUID()
                .toString().substring(0, 8), "ios").useToken(person.phone.token());
        Answer begun = phone.beginRecovery().expect(201);
        person.recoveries.add(begun.text("id"));
        person.recoveryPhones.put(begun.text("id"), phone);
    }

    @Test
    @Order(6)
    void badInputNeverAnswers5xxAndChangesNothing() {
        Workload workload = Workload.start("chaos-fuzz", 1);
        workload.close();
        Workload.Person person = workload.people.get(0);
        quiesce();
        Map<String, String> before = Chaos.rowsOf(person.accountId);
        Fuzz.Result result = new Fuzz(person.phone, Long.getLong("authbackup.fuzz-seed", System.nanoTime()))
                .run(Integer.getInteger("authbackup.fuzz-requests", 3000));
        quiesce(); // whatever the fuzz set off has landed: outboxes relayed, consumers caught up
        Map<String, String> after = Chaos.rowsOf(person.accountId);
        Set<String> changed = new HashSet<>();
        before.forEach((table, digest) -> {
            if (!digest.equals(after.get(table))) {
                changed.add(table);
            }
        });
        record(new Row("bad input fuzz (seed " + result.seed() + ")", result.requests(), 0, changed.size(), 0,
                result.serverErrors().size(), 0));
        assertTrue(result.serverErrors().isEmpty(), result.serverErrors().size() + " answers were 5xx (see the log)");
        assertTrue(changed.isEmpty(), "rows changed by rejected requests in " + changed);
        assertTrue(result.accepted().isEmpty(), result.accepted().size() + " fuzzed requests were accepted (see the log)");
    }

    /** Waits until the outboxes are relayed and the consumers caught up, so that no row changes from earlier work. */
    private static void quiesce() {
        Chaos.awaitValue(Chaos::outboxBacklog, 0, Duration.ofSeconds(30));
        Chaos.awaitValue(Chaos::consumerLag, 0, Duration.ofSeconds(30));
    }

    /** Settles the workload after its faults and checks the invariants; records and asserts the row. */
    private static void check(String scenario, Workload workload, int faults, Map<String, Long> deadLettersBefore) {
        long unfinished = workload.settle(SETTLE);
        long lost = unfinished;
        long duplicated = 0;
        List<String> findings = new ArrayList<>(workload.anomalies);
        Set<String> completed = new HashSet<>();
        for (Workload.Person person : workload.people) {
            completed.addAll(person.completed);
            JsonNode versions = person.phone.http().get(person.phone.endpoints().backup() + "/v1/backups/ios/versions",
                    person.phone.token()).expect(200).body();
            Set<Integer> listed = new HashSet<>();
            versions.forEach(v -> listed.add(v.get("version").asInt()));
            Set<Integer> missing = new HashSet<>(person.ackedVersions);
            missing.removeAll(listed);
            Set<Integer> extra = new HashSet<>(listed);
            extra.removeAll(person.ackedVersions);
            lost += missing.size();
            duplicated += extra.size();
            if (!missing.isEmpty() || !extra.isEmpty()) {
                findings.add(person.username + ": acknowledged " + person.ackedVersions + ", stored " + listed);
            }
            // recovery-service's projection reaches the backup's revision: no backup event lost on the way.
            long revision = Chaos.scalar("backup", "SELECT revision FROM backup WHERE account_id = ? AND platform = 'ios'",
                    person.accountId);
            long projected = Chaos.awaitValue(() -> Chaos.scalar("recovery", "SELECT revision FROM backup_projection "
                    + "WHERE account_id = ? AND platform = 'ios'", person.accountId), revision, Duration.ofSeconds(60));
            if (projected != revision) {
                lost++;
                findings.add(person.username + ": projection at revision " + projected + ", backup at " + revision);
            }
        }
        long backlog = Chaos.awaitValue(Chaos::outboxBacklog, 0, Duration.ofSeconds(60));
        long lag = Chaos.awaitValue(Chaos::consumerLag, 0, Duration.ofSeconds(60));
        lost += backlog + lag;
        if (backlog + lag > 0) {
            findings.add("outbox backlog " + backlog + ", consumer lag " + lag + " after 60 s");
        }
        Map<String, Long> deadLetters = Chaos.deadLetters();
        for (String topic : Chaos.DEAD_LETTERS) {
            long added = deadLetters.get(topic) - deadLettersBefore.get(topic);
            if (added > 0) {
                lost += added;
                findings.add(added + " message(s) dead-lettered to " + topic);
            }
        }
        for (Map.Entry<String, Integer> events : Chaos.eventsPer("recovery.events", "recovery.completed.v1",
                "recoveryId", completed).entrySet()) {
            if (events.getValue() == 0) {
                lost++;
                findings.add("recovery " + events.getKey() + " completed without its recovery.completed.v1");
            } else if (events.getValue() > 1) {
                duplicated += events.getValue() - 1;
                findings.add("recovery " + events.getKey() + " completed " + events.getValue() + " times");
            }
        }
        record(new Row(scenario, workload.operations.get(), faults, lost, duplicated, workload.serverErrors.get(),
                workload.unavailable.get()));
        System.out.printf("chaos: %s: %d uploads and %d recoveries acknowledged, %d transport failures retried%n",
                scenario, workload.people.stream().mapToLong(p -> p.ackedVersions.size()).sum(),
                workload.people.stream().mapToLong(p -> p.recoveries.size()).sum(), workload.transportFailures.get());
        findings.forEach(f -> System.out.println("chaos:   " + f));
        assertEquals(0, lost, scenario + ": lost " + findings);
        assertEquals(0, duplicated, scenario + ": duplicated " + findings);
        assertEquals(0, workload.serverErrors.get(), scenario + ": 5xx " + findings);
    }

    private static synchronized void record(Row row) {
        ROWS.add(row);
    }

    @AfterAll
    static void summary() throws IOException {
        StringBuilder table = new StringBuilder(String.format("%n%-40s %10s %6s %5s %10s %4s %11s%n", "scenario",
                "operations", "faults", "lost", "duplicated", "5xx", "503 (fault)"));
        for (Row row : ROWS) {
            table.append(String.format("%-40s %10d %6d %5d %10d %4d %11d%n", row.scenario(), row.operations(),
                    row.faults(), row.lost(), row.duplicated(), row.serverErrors(), row.unavailable()));
        }
        System.out.print(table);
        Path out = Path.of("target", "chaos-summary.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }
}
