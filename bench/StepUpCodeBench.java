import dev.authbackup.client.Account;
import dev.authbackup.client.Answer;
import dev.authbackup.client.AuthenticatorApp;
import dev.authbackup.client.Endpoints;
import dev.authbackup.client.StepUp;
import dev.authbackup.client.Totp;
import dev.authbackup.client.Vault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Step-up code check: closed-loop {@code POST /v1/verifications/{id}/code} with wrong codes on live challenges,
 * beside {@code GET /v1/bench/empty} of the same verification-service (authenticated, does nothing) with the
 * same tokens and clients.
 *
 * <p>Set-up, through the public API with the device client: {@code --people} people each sign up, confirm an
 * alternate email, back up a personal push account, begin a recovery on a new phone, start a
 * {@code password_and_proof} verification and type the full email, so that a code is live for it.
 *
 * <p>Every measured request is a wrong code: the service reads the verification (PostgreSQL), checks the code
 * (one Redis script: the account's failure limit, the code hash, the wrong-guess count), audits the refusal
 * (PostgreSQL) and answers 422 {@code invalid-code}. For the run, {@code ./platform bench stepup} starts the
 * service with the wrong-code maximum and the failure limit raised (environment), so a challenge stays live;
 * the work per request is the same as for the first wrong code of a fresh challenge.
 *
 * <p>Prints one JSON line per level and endpoint. Run by {@code ./platform bench stepup}: {@code java -cp
 * <device-client classes + lib + HdrHistogram> bench/StepUpCodeBench.java --people 8 --levels 8,16,32}.
 */
public class StepUpCodeBench {

    record Challenge(String token, String verificationId) {
    }

    public static void main(String[] args) throws Exception {
        int people = intArg(args, "--people", 8);
        String[] levels = stringArg(args, "--levels", "8,16,32").split(",");
        Duration jit = Duration.ofSeconds(intArg(args, "--jit-warmup-seconds", 30));
        Duration warmup = Duration.ofSeconds(intArg(args, "--warmup-seconds", 10));
        Duration measure = Duration.ofSeconds(intArg(args, "--seconds", 15));
        String url = Endpoints.local().verification();

        List<Challenge> challenges = Collections.synchronizedList(new ArrayList<>());
        List<Thread> setups = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            Thread setup = new Thread(() -> challenges.add(challenge()));
            setups.add(setup);
            setup.start();
        }
        for (Thread setup : setups) {
            setup.join();
        }
        if (challenges.size() < people) {
            throw new IllegalStateException("only " + challenges.size() + " of " + people + " people were set up");
        }
        System.err.println("bench: " + people + " live challenges");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // The JIT of both paths, not measured.
        int top = Integer.parseInt(levels[levels.length - 1].trim());
        run(http, url, "empty", challenges, top, jit.dividedBy(2), Duration.ofSeconds(1));
        run(http, url, "code", challenges, top, jit.dividedBy(2), Duration.ofSeconds(1));
        for (String level : levels) {
            int clients = Integer.parseInt(level.trim());
            System.out.println(run(http, url, "empty", challenges, clients, warmup, measure));
            System.out.println(run(http, url, "code", challenges, clients, warmup, measure));
        }
    }

    /** One person with a live step-up code: the verification id and the (fresh) token that may submit codes. */
    static Challenge challenge() {
        String user = "stepup-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        AuthenticatorApp first = new AuthenticatorApp(Endpoints.local(), "first-" + user, "ios")
                .signUp(user, user + "@example.com", password)
                .add(new Account("personal", "Authbackup", user + "@authbackup.example",
                        Totp.base32Encode(Vault.randomKey()).substring(0, 32), "personal", true));
        String alternate = user + "@mail.example";
        new StepUp(first).confirmAlternateEmail(alternate);
        int version = first.backUp().expect(200, 201).body().get("version").asInt();
        AuthenticatorApp phone = new AuthenticatorApp(Endpoints.local(), "new-" + user, "ios").useToken(first.token());
        String recovery = phone.beginRecoveryOf(version, Duration.ofSeconds(30)).expect(201).text("id");
        StepUp stepUp = new StepUp(phone);
        Answer started = stepUp.start(recovery, "personal", "password_and_proof", Duration.ofSeconds(30)).expect(201);
        String verification = started.text("id");
        stepUp.sendCode(verification, StepUp.proofHintedAs(started, alternate), alternate).expect(202);
        return new Challenge(phone.token(), verification);
    }

    /** Closed loop: each client sends its next request when the answer to the previous one came. */
    static String run(HttpClient http, String url, String endpoint, List<Challenge> challenges, int clients,
            Duration warmup, Duration measure) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long until = measureFrom + measure.toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Challenge challenge = challenges.get(c % challenges.size());
            HttpRequest request = "code".equals(endpoint)
                    ? HttpRequest.newBuilder(URI.create(url + "/v1/verifications/" + challenge.verificationId() + "/code"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + challenge.token())
                            .header("Content-Type", "application/json")
                            // 8 digits the service never mails: a wrong code (a mailed one is random).
                            .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"00000000\"}")).build()
                    : HttpRequest.newBuilder(URI.create(url + "/v1/bench/empty"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + challenge.token())
                            .GET().build();
            int expected = "code".equals(endpoint) ? 422 : 204;
            Thread client = new Thread(() -> {
                try {
                    while (System.nanoTime() < until) {
                        long sent = System.nanoTime();
                        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - sent;
                        boolean success = answer.statusCode() == expected;
                        if (!success && errors.size() < 5) {
                            errors.add(answer.statusCode() + " " + answer.body());
                        }
                        if (sent >= measureFrom) {
                            if (success) {
                                recorder.recordValue(Math.max(1, took / 1000));
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                    }
                } catch (Exception e) {
                    errors.add(e.toString());
                    failed.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
            client.start();
        }
        done.await();
        for (String error : errors.subList(0, Math.min(5, errors.size()))) {
            System.err.println("bench " + endpoint + ": " + (error.length() > 300 ? error.substring(0, 300) : error));
        }
        Histogram h = recorder.getIntervalHistogram();
        return String.format(Locale.ROOT,
                "{\"endpoint\":\"%s\",\"concurrency\":%d,\"ok\":%d,\"failed\":%d,\"perSecond\":%.1f,\"p50Ms\":%.2f,"
                        + "\"p99Ms\":%.2f,\"maxMs\":%.2f}",
                endpoint, clients, ok.get(), failed.get(), ok.get() / (measure.toNanos() / 1e9),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
