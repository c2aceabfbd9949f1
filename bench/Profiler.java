import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Profiles a running service's CPU with async-profiler for a while: attaches to the JVM, loads the profiler's agent,
 * samples every thread's CPU time, then writes a flame graph (HTML) and the collapsed stacks, and prints where the
 * samples were, by the innermost frame that is not the JDK's own (the code that did the work or called the JDK for it).
 *
 * <p>{@code java bench/Profiler.java PID ASYNC_PROFILER_JAR SECONDS OUT_PREFIX [INTERVAL]}: writes
 * {@code OUT_PREFIX.html} and {@code OUT_PREFIX.collapsed}. The jar is Maven Central's
 * {@code tools.profiler:async-profiler}; its native library for this machine is unpacked beside it. Needs a JDK
 * (jdk.attach) running as the service's user. The interval is of CPU time per sample (default 1ms): each sample
 * stands for that much CPU.
 *
 * <p>It prints the samples by area (the JIT compiler, GC, bearer-token checks, the Redis, PostgreSQL and Kafka clients,
 * JSON, logging, this project's code, ...), then by innermost frame. {@code java bench/Profiler.java --summarise
 * FILE.collapsed SECONDS [INTERVAL]} prints the same for collapsed stacks written before.
 */
public class Profiler {

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("--summarise")) { // a collapsed file written earlier, over SECONDS
            summarise(Path.of(args[1]), args.length > 3 ? args[3] : "1ms", Long.parseLong(args[2]));
            return;
        }
        if (args.length < 4) {
            System.err.println("usage: java bench/Profiler.java PID ASYNC_PROFILER_JAR SECONDS OUT_PREFIX [INTERVAL]");
            System.exit(2);
        }
        String pid = args[0];
        String library = unpackLibrary(Path.of(args[1]).toAbsolutePath());
        long seconds = Long.parseLong(args[2]);
        Path html = Path.of(args[3] + ".html").toAbsolutePath();
        Path collapsed = Path.of(args[3] + ".collapsed").toAbsolutePath();
        String interval = args.length > 4 ? args[4] : "1ms";

        // Each load of the library in the target JVM sends it one command (it is loaded once and keeps running).
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            vm.loadAgentPath(library, "start,event=cpu,interval=" + interval);
            try {
                Thread.sleep(seconds * 1000);
            } finally {
                vm.loadAgentPath(library, "dump,collapsed,file=" + collapsed);
                vm.loadAgentPath(library, "stop,flamegraph,file=" + html);
            }
        } finally {
            vm.detach();
        }
        summarise(collapsed, interval, seconds);
    }

    /** The jar's {@code linux-x64/} or {@code linux-arm64/libasyncProfiler.so}, unpacked beside it once. */
    private static String unpackLibrary(Path jar) throws IOException {
        String arch = System.getProperty("os.arch");
        String platform = switch (arch) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-arm64";
            default -> throw new IllegalStateException("async-profiler has no library for " + arch);
        };
        Path library = jar.resolveSibling(platform + "-libasyncProfiler.so");
        if (!Files.exists(library)) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(platform + "/libasyncProfiler.so");
                if (entry == null) {
                    throw new IllegalStateException(jar + " has no " + platform + "/libasyncProfiler.so");
                }
                Path part = Files.createTempFile(jar.getParent(), "libasyncProfiler", ".part");
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(part, library, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return library.toString();
    }

    private static void summarise(Path collapsed, String interval, long seconds) throws IOException {
        Map<String, Long> byOwner = new HashMap<>();
        Map<String, Long> byArea = new HashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1));
            String[] frames = line.substring(0, space).split(";");
            total += samples;
            byOwner.merge(owner(frames), samples, Long::sum);
            byArea.merge(area(frames), samples, Long::sum);
        }
        System.out.printf(Locale.ROOT, "%d samples of %s CPU each (%.2f cores on average); by area:%n", total, interval,
                total * millis(interval) / 1000.0 / seconds);
        print(byArea, total, byArea.size());
        System.out.println("by the innermost frame outside the JDK:");
        print(byOwner, total, 25);
    }

    private static void print(Map<String, Long> samples, long total, int limit) {
        samples.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey()));
    }

    /** An interval such as 1ms, 500us or 10ms, in milliseconds (1 when it cannot be read). */
    private static double millis(String interval) {
        try {
            if (interval.endsWith("us")) {
                return Double.parseDouble(interval.substring(0, interval.length() - 2)) / 1000;
            }
            if (interval.endsWith("ms")) {
                return Double.parseDouble(interval.substring(0, interval.length() - 2));
            }
            return Double.parseDouble(interval) / 1_000_000; // async-profiler's bare number is in nanoseconds
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * Areas by the frames that identify them, the more specific first (a Hibernate Validator frame is also a Hibernate
     * one). A sample belongs to the area of its innermost frame that has one: JDK and kernel frames count for the
     * library that called them (a socket write for Netty, an RSA verification for whoever verified a signature).
     */
    private static final String[][] AREAS = {
        {"signatures (java.security, RSA: mostly bearer-token checks)", "java/security/Signature",
            "sun/security/rsa/", "java/math/BigInteger"},
        {"bearer tokens: parsing and claims (jose4j)", "org/jose4j/"},
        {"bearer tokens: OIDC", "io/quarkus/oidc/", "io/smallrye/jwt/"},
        {"Redis client", "io/vertx/redis/", "io/vertx/mutiny/redis/", "io/quarkus/redis/"},
        {"PostgreSQL client", "io/vertx/pgclient/", "io/vertx/sqlclient/", "io/vertx/mutiny/sqlclient/"},
        {"validation", "org/hibernate/validator/", "jakarta/validation/"},
        {"Hibernate", "org/hibernate/"},
        {"Kafka client", "org/apache/kafka/"},
        {"reactive messaging", "io/smallrye/reactive/messaging/"},
        {"tracing (OpenTelemetry)", "io/opentelemetry/", "io/quarkus/opentelemetry/"},
        {"metrics (Micrometer)", "io/micrometer/", "io/quarkus/micrometer/"},
        {"logging", "org/jboss/logmanager/", "org/jboss/logging/"},
        {"JSON (Jackson)", "com/fasterxml/jackson/"},
        {"this project's code", "dev/authbackup/"},
        {"REST layer (RESTEasy Reactive)", "org/jboss/resteasy/", "io/quarkus/resteasy/"},
        {"HTTP, sockets and event loops (Vert.x, Netty)", "io/vertx/", "io/netty/"},
        {"other Quarkus, CDI, Mutiny", "io/quarkus/", "io/smallrye/"},
    };

    /** A sample's area: the JIT compiler and GC/VM threads by their whole stack, the rest by {@link #AREAS}. */
    private static String area(String[] frames) {
        for (String frame : frames) {
            if (frame.startsWith("CompileBroker::")) {
                return "JIT compiler threads (high while the service is still warming up)";
            }
            if (frame.startsWith("VMThread::") || frame.startsWith("GCTaskThread") || frame.contains("GenCollect")) {
                return "GC and VM operations";
            }
        }
        for (int i = frames.length - 1; i >= 0; i--) {
            for (String[] area : AREAS) {
                for (int j = 1; j < area.length; j++) {
                    if (frames[i].startsWith(area[j])) {
                        return area[0];
                    }
                }
            }
        }
        return "other (JDK, VM, kernel, unknown frames)";
    }

    /** The innermost Java frame outside java.*, jdk.*, sun.*, or the innermost frame when there is none (VM, GC). */
    private static String owner(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            String frame = frames[i];
            if (frame.contains("/") && !frame.startsWith("java/") && !frame.startsWith("jdk/")
                    && !frame.startsWith("sun/") && !frame.startsWith("[")) {
                return frame.replace('/', '.');
            }
        }
        return frames[frames.length - 1];
    }
}
