// Load driver for `./platform bench backup`: closed-loop uploads against a running backup-service.
// Run as a single-file program: java -cp HdrHistogram.jar bench/BackupUploadBench.java --help
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Each worker owns one backup chain (one account and platform: two chains per token), so uploads never
 * contend for the same row: it reads its current version, then PUTs the next one with If-Match, as fast
 * as answers come back. Latency is recorded in microseconds after the warm-up; prints one JSON line.
 */
public class BackupUploadBench {

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8081";
        Path tokens = null;
        int concurrency = 8;
        int ciphertextBytes = 4096;
        int entries = 20;
        Duration warmup = Duration.ofSeconds(5);
        Duration measure = Duration.ofSeconds(15);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--tokens" -> tokens = Path.of(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--ciphertext-bytes" -> ciphertextBytes = Integer.parseInt(args[++i]);
                case "--entries" -> entries = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--seconds" -> measure = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> {
                    System.err.println("usage: BackupUploadBench --tokens FILE [--url U] [--concurrency N]"
                            + " [--ciphertext-bytes B] [--entries E] [--warmup-seconds S] [--seconds S]");
                    System.exit(2);
                }
            }
        }
        List<String> bearer = Files.readAllLines(tokens).stream().filter(l -> !l.isBlank()).toList();
        if (concurrency > 2 * bearer.size()) {
            throw new IllegalArgumentException(concurrency + " workers need " + (concurrency + 1) / 2 + " tokens");
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long until = measureFrom + measure.toNanos();
        CountDownLatch done = new CountDownLatch(concurrency);
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < concurrency; w++) {
            String token = bearer.get(w / 2);
            String platform = w % 2 == 0 ? "ios" : "android";
            String base = url + "/v1/backups/" + platform;
            int cipher = ciphertextBytes;
            int count = entries;
            // Bodies are made before the clock starts, so the driver spends its CPU on requests, not on
            // random bytes and JSON: the service still stores each upload as a new version.
            List<String> bodies = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                bodies.add(body(cipher, count));
            }
            Thread worker = new Thread(() -> {
                try {
                    int version = currentVersion(http, base, token);
                    int sentCount = 0;
                    while (System.nanoTime() < until) {
                        String body = bodies.get(sentCount++ % bodies.size());
                        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(base))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(body));
                        put = version == 0 ? put.header("If-None-Match", "*")
                                : put.header("If-Match", "\"" + version + "\"");
                        long sent = System.nanoTime();
                        HttpResponse<String> answer = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - sent;
                        boolean success = answer.statusCode() == 200 || answer.statusCode() == 201;
                        if (success) {
                            version = Integer.parseInt(answer.headers().firstValue("ETag").orElseThrow()
                                    .replace("\"", ""));
                        } else {
                            if (errors.size() < 5) {
                                errors.add(answer.statusCode() + " " + answer.body());
                            }
                            version = currentVersion(http, base, token);
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
            worker.start();
        }
        done.await();
        Histogram h = recorder.getIntervalHistogram();
        double seconds = measure.toNanos() / 1e9;
        System.out.printf(java.util.Locale.ROOT,
                "{\"concurrency\":%d,\"ok\":%d,\"failed\":%d,\"perSecond\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,"
                        + "\"maxMs\":%.2f,\"errors\":%d}%n",
                concurrency, ok.get(), failed.get(), ok.get() / seconds, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, errors.size());
        for (String error : errors.subList(0, Math.min(5, errors.size()))) {
            System.err.println("bench: " + (error.length() > 300 ? error.substring(0, 300) : error));
        }
    }

    private static int currentVersion(HttpClient http, String base, String token) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 404) {
            return 0;
        }
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + base + " answered " + answer.statusCode());
        }
        return Integer.parseInt(answer.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
    }

    /** An upload as the app sends it: random ciphertext and data key, {@code entries} manifest entries. */
    private static String body(int ciphertextBytes, int entries) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] ciphertext = new byte[ciphertextBytes];
        byte[] key = new byte[32];
        random.nextBytes(ciphertext);
        random.nextBytes(key);
        StringBuilder manifest = new StringBuilder();
        String[] kinds = {"personal", "work_school", "third_party"};
        for (int i = 0; i < entries; i++) {
            byte[] fingerprint = new byte[32];
            random.nextBytes(fingerprint);
            manifest.append(i == 0 ? "" : ",").append("{\"ref\":\"e").append(i).append("\",\"kind\":\"")
                    .append(kinds[i % 3]).append("\",\"pushEnabled\":").append(i % 3 != 2)
                    .append(",\"fingerprint\":\"").append(HexFormat.of().formatHex(fingerprint)).append("\"}");
        }
        Base64.Encoder base64 = Base64.getEncoder();
        return "{\"deviceId\":\"bench-device\",\"deviceName\":\"Bench\",\"ciphertext\":\""
                + base64.encodeToString(ciphertext) + "\",\"dataKey\":\"" + base64.encodeToString(key)
                + "\",\"manifest\":{\"entries\":[" + manifest + "]}}";
    }
}
