package dev.authbackup.testsupport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.jackson.ObjectMapperCustomizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The JSON an outbox writes, without starting Quarkus. {@code Outbox.publish} serialises event data with the
 * application's {@code ObjectMapper}, which Quarkus builds as {@code new ObjectMapper()}, the Jackson modules on the
 * class path, then every {@link ObjectMapperCustomizer} bean, the first of which applies {@code quarkus.jackson.*}.
 * {@link #mapper()} is that mapper for the defaults of {@code quarkus.jackson.*} and no customizer of the project's
 * own; {@link #departuresFromDefaults} finds what would make it differ, so that a test relying on it fails then.
 */
public final class OutboxJson {

    private static final String[] CONFIG_FILES = {"application.properties", "META-INF/microprofile-config.properties"};

    private OutboxJson() {
    }

    /** Quarkus's application ObjectMapper with every {@code quarkus.jackson.*} at its default. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .findAndRegisterModules() // JavaTimeModule, Jdk8Module, ParameterNamesModule, as Quarkus registers them
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // fail-on-unknown-properties=false
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS) // write-dates-as-timestamps=false
                .setTimeZone(TimeZone.getTimeZone("UTC")); // timezone=UTC
    }

    /**
     * What would make the service's ObjectMapper differ from {@link #mapper()}: a {@code quarkus.jackson.*} key in a
     * configuration file on the class path, or a class implementing {@link ObjectMapperCustomizer} in a package under
     * {@code basePackage} (the service's and the project libraries', in directories or jars).
     *
     * @return one line per departure; empty when there is none
     */
    public static List<String> departuresFromDefaults(String basePackage) {
        List<String> found = new ArrayList<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            for (String name : CONFIG_FILES) {
                for (URL url : Collections.list(loader.getResources(name))) {
                    Properties properties = new Properties();
                    try (InputStream in = url.openStream()) {
                        properties.load(in);
                    }
                    properties.stringPropertyNames().stream()
                            .filter(key -> key.replaceFirst("^%[^.]+\\.", "").startsWith("quarkus.jackson."))
                            .forEach(key -> found.add(url + " sets " + key));
                }
            }
            String folder = basePackage.replace('.', '/') + "/";
            for (URL url : Collections.list(loader.getResources(folder))) {
                for (String className : classNames(url, folder)) {
                    if (isCustomizer(className, loader)) {
                        found.add(className + " customises the ObjectMapper");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static boolean isCustomizer(String className, ClassLoader loader) {
        try {
            return ObjectMapperCustomizer.class.isAssignableFrom(Class.forName(className, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return false; // not loadable without the rest of the application: no bean of the service either
        }
    }

    /** The classes under a package folder, found as a directory or inside a jar. */
    private static List<String> classNames(URL folderUrl, String folder) throws IOException {
        if ("jar".equals(folderUrl.getProtocol())) {
            String jarPath = folderUrl.getPath().substring("file:".length(), folderUrl.getPath().indexOf("!/"));
            try (JarFile jar = new JarFile(URLDecoder.decode(jarPath, StandardCharsets.UTF_8))) {
                return jar.stream().map(JarEntry::getName).filter(f -> f.startsWith(folder) && f.endsWith(".class"))
                        .map(OutboxJson::className).toList();
            }
        }
        Path dir;
        try {
            dir = Path.of(folderUrl.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Path root = dir;
        for (int i = folder.split("/").length; i > 0; i--) {
            root = root.getParent();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(root::relativize).map(Path::toString).filter(f -> f.endsWith(".class"))
                    .map(OutboxJson::className).toList();
        }
    }

    private static String className(String file) {
        return file.substring(0, file.length() - ".class".length()).replace('/', '.').replace('\\', '.');
    }
}
