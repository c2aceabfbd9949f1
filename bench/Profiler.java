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
 */
public class Profiler {

    public static void main(String[] args) throws Exception {
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
        summarise(collapsed, interval);
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

    private static void summarise(Path collapsed, String interval) throws IOException {
        Map<String, Long> byOwner = new HashMap<>();
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
        }
        System.out.printf(Locale.ROOT, "%d samples of %s CPU each; by the innermost frame outside the JDK:%n", total,
                interval);
        long shown = total;
        byOwner.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / shown,
                        e.getKey()));
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
