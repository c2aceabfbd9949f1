package dev.authbackup.client.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.authbackup.client.Account;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.StepUp;
import dev.authbackup.client.Totp;
import dev.authbackup.client.Vault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What users do while faults happen: each person's old phone uploads new versions one after another, and
 * new phones begin recoveries of that backup and drive them to completion (download, then the personal
 * entry's device credential). Every request that fails in transport or with a 5xx is retried as the app
 * would — the same upload with the same Idempotency-Key, the same begin with the same key — until the
 * platform acknowledges it. The ledger records what was acknowledged, so that afterwards nothing may be
 * missing and nothing may be there twice.
 */
final class Workload implements AutoCloseable {

    /** A person and what the platform acknowledged to them. */
    static final class Person {
        final String username;
        final String password;
        final AuthenticatorApp phone;
        final Set<Integer> ackedVersions = ConcurrentHashMap.newKeySet();
        final AtomicLong uploads = new AtomicLong();
        final List<String> recoveries = new CopyOnWriteArrayList<>();
        final Map<String, AuthenticatorApp> recoveryPhones = new ConcurrentHashMap<>();
        final Set<String> completed = ConcurrentHashMap.newKeySet();
        volatile String accountId;

        Person(String username, String password, AuthenticatorApp phone) {
            this.username = username;
            this.password = password;
            this.phone = phone;
        }
    }

    final List<Person> people = new ArrayList<>();
    final AtomicLong operations = new AtomicLong();
    /** 5xx answers other than 503 (a 503 is the right answer while a store is away). */
    final AtomicLong serverErrors = new AtomicLong();
    final AtomicLong unavailable = new AtomicLong();
    final AtomicLong transportFailures = new AtomicLong();
    final List<String> anomalies = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /** Registers {@code count} people, each with a first backup, and starts their uploads and recoveries. */
    static Workload start(String name, int count) {
        Workload workload = new Workload();
        for (int i = 0; i < count; i++) {
            String username = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            String password = UUID.randomUUID().toString();
            AuthenticatorApp phone = new AuthenticatorApp(Endpoints.local(), "old-" + username, "ios")
                    .signUp(username, username + "@example.com", password)
                    .add(account("personal", "Authbackup", username, "personal"))
                    .add(account("google", "Google", username, "third_party"));
            Person person = new Person(username, password, phone);
            person.accountId = Chaos.accountId(phone.token());
            workload.people.add(person);
        }
        for (Person person : workload.people) {
            workload.upload(person); // a first version before any recovery begins
            workload.threads.add(started("uploads-" + person.username, () -> workload.uploads(person)));
            workload.threads.add(started("recoveries-" + person.username, () -> workload.recoveries(person)));
        }
        return workload;
    }

    private static Thread started(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.start();
        return thread;
    }

    private static Account account(String ref, String issuer, String user, String kind) {
        return new Account(ref, issuer, user + "@" + issuer.toLowerCase() + ".example",
                Totp.base32Encode(Vault.randomKey()).substring(0, 32), kind, false);
    }

    private void uploads(Person person) {
        while (running.get()) {
            upload(person);
            pause(250);
        }
    }

    /** One logical upload: prepared once, sent with one Idempotency-Key until acknowledged. */
    private void upload(Person person) {
        AuthenticatorApp.Upload upload = retry(() -> person.phone.prepareBackUp(), Duration.ofSeconds(90));
        if (upload == null) {
            return;
        }
        String key = UUID.randomUUID().toString();
        person.uploads.incrementAndGet();
        Answer stored = retry(() -> accepted(person.phone.send(upload, key), 200, 201), Duration.ofSeconds(90));
        if (stored == null) {
            anomalies.add(person.username + ": an upload was never acknowledged within 90 s");
            return;
        }
        if (!person.ackedVersions.add(stored.body().get("version").asInt())) {
            anomalies.add(person.username + ": version " + stored.body().get("version") + " acknowledged twice");
        }
    }

    private void recoveries(Person person) {
        while (running.get()) {
            AuthenticatorApp phone = new AuthenticatorApp(Endpoints.local(), "new-" + UUID.randomUUID().toString()
                    .substring(0, 12), "ios");
            phone.useToken(person.phone.token());
            String key = UUID.randomUUID().toString();
            Answer begun = retry(() -> accepted(phone.beginRecovery(key), 201), Duration.ofSeconds(90));
            if (begun == null) {
                anomalies.add(person.username + ": a recovery begin was never acknowledged within 90 s");
                continue;
            }
            String id = begun.text("id");
            person.recoveries.add(id);
            person.recoveryPhones.put(id, phone);
            drive(person, id, Duration.ofSeconds(20));
            pause(500);
        }
    }

    /** Drives a begun recovery on its phone: download (retrying), the personal entry's credential, completion. */
    boolean drive(Person person, String id, Duration patience) {
        if (person.completed.contains(id)) {
            return true;
        }
        AuthenticatorApp phone = person.recoveryPhones.get(id);
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode recovery = accepted(phone.recovery(id), 200).body();
                String status = recovery.get("status").asText();
                if (status.equals("completed")) {
                    person.completed.add(id);
                    return true;
                }
                if (!status.equals("awaiting_download") && !status.equals("in_progress")) {
                    anomalies.add(person.username + ": recovery " + id + " ended " + status);
                    return false;
                }
                if (phone.pendingRefs().isEmpty() && phone.accounts().isEmpty()) {
                    phone.download(id, Duration.ofSeconds(5));
                }
                if (phone.pendingRefs().contains("personal")) {
                    new StepUp(phone).issueCredential(id, "personal", Duration.ofSeconds(5));
                }
            } catch (RuntimeException notYet) {
                // Transport failures, 5xx and "not ready" while a fault lasts: the app tries again.
                count(notYet);
            }
            pause(300);
        }
        return false;
    }

    /** The answer if its status is expected; a 5xx or unexpected status is counted and thrown, to retry. */
    Answer accepted(Answer answer, int... expected) {
        operations.incrementAndGet();
        for (int status : expected) {
            if (answer.status() == status) {
                return answer;
            }
        }
        if (answer.status() == 503) {
            unavailable.incrementAndGet();
        } else if (answer.status() >= 500) {
            serverErrors.incrementAndGet();
            anomalies.add(answer.request() + " answered " + answer.status() + ": " + answer.body());
        }
        throw new Retry(answer.request() + " answered " + answer.status());
    }

    private void count(RuntimeException failure) {
        if (!(failure instanceof Retry)) {
            transportFailures.incrementAndGet();
        }
    }

    private <T> T retry(Supplier<T> call, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            try {
                return call.get();
            } catch (RuntimeException failed) {
                count(failed);
                pause(200);
            }
        }
        return null;
    }

    /** Stops new work; what was begun is left for {@link #settle}. */
    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(120).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Drives every begun recovery until it completes or {@code patience} runs out; answers how many did not. */
    long settle(Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        long unfinished = 0;
        for (Person person : people) {
            for (String id : person.recoveries) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (!drive(person, id, left.isNegative() ? Duration.ofSeconds(1) : left)) {
                    unfinished++;
                    anomalies.add(person.username + ": recovery " + id + " did not complete");
                }
            }
        }
        return unfinished;
    }

    long acknowledgedWrites() {
        return people.stream().mapToLong(p -> p.ackedVersions.size() + p.recoveries.size()).sum();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A refusal to retry: not a transport failure. */
    static final class Retry extends RuntimeException {
        Retry(String message) {
            super(message, null, false, false);
        }
    }
}
