import dev.authbackup.client.Account;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.StepUp;
import dev.authbackup.client.Totp;
import dev.authbackup.client.Vault;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Recovery saga latency: people back up 4 accounts (one personal account with push) and recover them on new
 * phones, driven by the device client through the public API: begin, download, step-up (alternate email and
 * the mailed code), the phone's own credential, its push key, until {@code completed}.
 *
 * <p>The saga's latency is what the platform makes the phone wait for: the sum of the asynchronous hops on
 * the critical path, each measured from the producing service's state change to the consuming service's
 * effect, as their databases recorded them (one machine, one clock):
 * <ol>
 * <li>recovery.started: recovery created (recovery) → release authorised (backup);</li>
 * <li>backup.released: content released (backup) → third-party entry restored (recovery);</li>
 * <li>verification.succeeded → recovery.push-key-authorized: verified (verification) → push-key
 * authorisation (notification), two hops;</li>
 * <li>device.push-key-registered: key registered (notification) → recovery completed (recovery).</li>
 * </ol>
 * The device's own steps (typing, reading mail, its polling) are not the saga's and are reported apart as
 * the wall time begin → completed. Prints one JSON line.
 *
 * <p>It measures every recovery it runs: {@code ./platform bench saga} warms the services' JIT up first, with
 * rounds of this driver ({@code --people 8 --recoveries 4}) until their compilers settle.
 *
 * <p>Run by {@code ./platform bench saga}: {@code java -cp <device-client classes + lib + postgresql jar>
 * bench/SagaLatencyBench.java --people 50 --recoveries 4 --concurrency 4}.
 */
public class SagaLatencyBench {

    static final int HOPS = 5;

    record Measured(UUID recovery, long wallMs) {
    }

    public static void main(String[] args) throws Exception {
        int people = intArg(args, "--people", 50);
        int recoveries = intArg(args, "--recoveries", 4);
        int concurrency = intArg(args, "--concurrency", 4);
        int batch = intArg(args, "--batch", 8);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Measured> measured = new ArrayList<>();
        int failed = 0;
        // In batches: the people of a batch sign up and back up first (Keycloak's password hashing is heavy),
        // then their recoveries run, so that sign-ups do not share the cores with the measured sagas and
        // every sign-in is still fresh (300 s) when its recoveries begin.
        for (int start = 0; start < people; start += batch) {
            failed += batch(pool, Math.min(batch, people - start), recoveries, measured);
        }
        pool.shutdown();
        List<Double> saga = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        List<List<Double>> hops = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (Connection backup = db("backup"); Connection recovery = db("recovery");
                Connection verification = db("verification"); Connection notification = db("notification")) {
            for (Measured m : measured) {
                double created = at(recovery, "SELECT created_at FROM recovery WHERE id = ?", m.recovery());
                double authorised = at(backup, "SELECT authorized_at FROM release_authorization WHERE recovery_id = ?", m.recovery());
                double released = at(backup, "SELECT min(released_at) FROM release_audit WHERE recovery_id = ?", m.recovery());
                double restored = at(recovery, "SELECT updated_at FROM recovery_entry WHERE recovery_id = ? AND ref = 'google'", m.recovery());
                double verified = at(verification, "SELECT verified_at FROM verification WHERE recovery_id = ? AND verified_at IS NOT NULL", m.recovery());
                double keyAuthorised = at(notification, "SELECT created_at FROM provisioning_authorization WHERE recovery_id = ? AND kind = 'push_key'", m.recovery());
                double registered = at(notification, "SELECT created_at FROM push_key WHERE recovery_id = ?", m.recovery());
                double completed = at(recovery, "SELECT finished_at FROM recovery WHERE id = ?", m.recovery());
                double[] each = {authorised - created, restored - released, keyAuthorised - verified, completed - registered};
                double sum = 0;
                for (int i = 0; i < each.length; i++) {
                    hops.get(i).add(each[i]);
                    sum += each[i];
                }
                saga.add(sum);
                wall.add((double) m.wallMs());
            }
        }
        System.out.printf(Locale.ROOT, "{\"benchmark\":\"recovery-saga\",\"recoveries\":%d,\"failed\":%d,\"hops\":%d,"
                + "\"sagaP50Ms\":%.1f,\"sagaP99Ms\":%.1f,\"wallP50Ms\":%.0f,\"wallP99Ms\":%.0f,"
                + "\"hopP50Ms\":%s,\"hopP99Ms\":%s}%n",
                saga.size(), failed, HOPS, pct(saga, 0.50), pct(saga, 0.99), pct(wall, 0.50), pct(wall, 0.99),
                hopJson(hops, 0.50), hopJson(hops, 0.99));
    }

    static String hopJson(List<List<Double>> hops, double quantile) {
        return String.format(Locale.ROOT,
                "{\"started\":%.1f,\"released\":%.1f,\"verifiedToKeyAuthorized\":%.1f,\"keyRegistered\":%.1f}",
                pct(hops.get(0), quantile), pct(hops.get(1), quantile), pct(hops.get(2), quantile), pct(hops.get(3), quantile));
    }

    /** Sets {@code count} people up, then runs their recoveries; adds what was measured, answers how many failed. */
    static int batch(ExecutorService pool, int count, int recoveries, List<Measured> measured) {
        int failed = 0;
        List<Future<Person>> setups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            setups.add(pool.submit(SagaLatencyBench::person));
        }
        // Every set-up is done before the first recovery begins: otherwise the first recoveries of a batch shared the
        // cores with the last sign-ups (Keycloak's password hashing), and their hops measured that.
        List<Person> people = new ArrayList<>();
        for (Future<Person> setup : setups) {
            try {
                people.add(setup.get());
            } catch (Exception e) {
                failed++;
                System.err.println("a person's set-up failed: " + e.getCause());
            }
        }
        List<Future<List<Measured>>> work = new ArrayList<>();
        for (Person person : people) {
            work.add(pool.submit(() -> recover(person, recoveries)));
        }
        for (Future<List<Measured>> future : work) {
            try {
                measured.addAll(future.get());
            } catch (Exception e) {
                failed++;
                System.err.println("a person's recoveries failed: " + e.getCause());
            }
        }
        return failed;
    }

    record Person(AuthenticatorApp first, String alternate, int version) {
    }

    /** One person: a new recovery account, a first phone with 4 accounts, a confirmed alternate email, a backup. */
    static Person person() {
        String user = "saga-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        AuthenticatorApp first = new AuthenticatorApp(Endpoints.local(), "first-" + user, "ios")
                .signUp(user, user + "@example.com", password)
                .add(account("personal", "Authbackup", user, "personal", true))
                .add(account("google", "Google", user, "third_party", false))
                .add(account("facebook", "Facebook", user, "third_party", false))
                .add(account("github", "GitHub", user, "third_party", false));
        String alternate = user + "@mail.example";
        new StepUp(first).confirmAlternateEmail(alternate);
        return new Person(first, alternate, first.backUp().expect(200, 201).body().get("version").asInt());
    }

    /** {@code recoveries} recoveries of the person's backup, one after another, each on a new phone. */
    static List<Measured> recover(Person person, int recoveries) {
        AuthenticatorApp first = person.first();
        String alternate = person.alternate();
        int version = person.version();
        List<Measured> measured = new ArrayList<>();
        for (int i = 0; i < recoveries; i++) {
            AuthenticatorApp phone = new AuthenticatorApp(Endpoints.local(), "new-" + UUID.randomUUID().toString()
                    .substring(0, 12), "ios").useToken(first.token());
            long begin = System.nanoTime();
            String id = phone.beginRecoveryOf(version, Duration.ofSeconds(20)).expect(201).text("id");
            phone.download(id, Duration.ofSeconds(30));
            StepUp stepUp = new StepUp(phone);
            stepUp.verifyWithEmail(id, "personal", alternate, Duration.ofSeconds(30));
            stepUp.issueCredential(id, "personal", Duration.ofSeconds(30));
            stepUp.registerPushKey(id, "personal", Duration.ofSeconds(30));
            while (!"completed".equals(phone.recovery(id).expect(200).text("status"))) {
                if (System.nanoTime() - begin > Duration.ofSeconds(60).toNanos()) {
                    throw new IllegalStateException("recovery " + id + " did not complete in 60 s");
                }
                sleep(10);
            }
            measured.add(new Measured(UUID.fromString(id), (System.nanoTime() - begin) / 1_000_000));
        }
        return measured;
    }

    static Account account(String ref, String issuer, String user, String kind, boolean push) {
        return new Account(ref, issuer, user + "@" + issuer.toLowerCase(Locale.ROOT) + ".example",
                Totp.base32Encode(Vault.randomKey()).substring(0, 32), kind, push);
    }

    static Connection db(String name) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + name, "postgres", "");
    }

    /** A timestamp as epoch milliseconds (with fractions). */
    static double at(Connection db, String sql, UUID id) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setObject(1, id);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next() || rows.getTimestamp(1) == null) {
                    throw new IllegalStateException("no timestamp for " + id + ": " + sql);
                }
                Timestamp t = rows.getTimestamp(1);
                return t.getTime() / 1000 * 1000 + t.getNanos() / 1_000_000.0;
            }
        }
    }

    static double pct(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
