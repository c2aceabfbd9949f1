package dev.authbackup.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract between a service's event records and {@code deploy/asyncapi.yaml}, checked without Quarkus. A service's
 * test names the classes that declare its event types and records, and builds one sample of every event it publishes
 * (every field set) plus, where the schema has optional fields, one without them. Each sample is serialised as its
 * outbox does and validated against its type's payload schema, closed to undeclared fields: a renamed, missing or
 * extra field, a wrong type, an enum value or a time format the catalogue does not allow fails here.
 */
public abstract class EventContractTest {

    /** A versioned CloudEvents type constant, e.g. {@code backup.stored.v1}. */
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z.-]*\\.v\\d+");
    /** The one topic whose events may carry a code and an address (docs/events.md). */
    private static final String CODE_TOPIC = "verification.code-deliveries";
    /** Field names that would put a secret, key material or personal data into an event. */
    private static final Set<String> SECRET_FIELDS = Set.of("code", "secret", "password", "ciphertext", "dataKey",
            "wrappedKey", "privateKey", "pushToken", "token", "salt", "username", "issuer", "value", "to", "hint",
            "proofHint");

    /** Realistic values the samples share: a recovery account id ({@code sub@iss}), a recovery, a device, a time. */
    protected static final String ACCOUNT =
            "3f1c2a9e-5b7d-4e08-a6c1-9d2e7b4f0a13@https://login.authbackup.example/realms/authenticator";
    protected static final UUID RECOVERY = UUID.fromString("6b0f3c1e-2d4a-4b8e-9f7c-1a2b3c4d5e6f");
    protected static final String DEVICE = "device-iphone-16";
    protected static final Instant NOW = Instant.parse("2026-11-25T09:30:12.345Z");

    protected final EventCatalogue catalogue = EventCatalogue.load();
    private final ObjectMapper json = OutboxJson.mapper();
    private final String source;
    private final List<Class<?>> producerClasses;
    private final List<Class<?>> consumerClasses;

    /**
     * @param source          the {@code ce_source} of the service, e.g. {@code /backup-service}
     * @param producerClasses the classes declaring the type constants and data records of the events it publishes
     * @param consumerClasses the classes declaring the types of other services' events it consumes
     */
    protected EventContractTest(String source, List<Class<?>> producerClasses, List<Class<?>> consumerClasses) {
        this.source = source;
        this.producerClasses = producerClasses;
        this.consumerClasses = consumerClasses;
    }

    /** One event as the service would publish it. */
    public record Sample(String type, Object data, boolean complete) {

        /** A sample with every field set. */
        public static Sample of(String type, Object data) {
            return new Sample(type, data, true);
        }

        /** A sample that leaves the fields the schema does not require unset. */
        public static Sample withoutOptional(String type, Object data) {
            return new Sample(type, data, false);
        }
    }

    /** One sample per published type, every field set, plus one without optional fields where there are any. */
    protected abstract List<Sample> samples();

    @TestFactory
    Stream<DynamicTest> eachSampleMatchesTheSchemaOfItsType() {
        return samples().stream().map(sample -> DynamicTest.dynamicTest(
                sample.type() + (sample.complete() ? "" : " without optional fields"), () -> {
                    assertTrue(catalogue.hasType(sample.type()), sample.type() + " has no message in " + EventCatalogue.PATH);
                    if (sample.complete()) {
                        List<String> unset = unsetComponents(sample.data(), sample.data().getClass().getSimpleName());
                        assertTrue(unset.isEmpty(), "a complete sample sets every field; unset: " + unset);
                    }
                    String data = serialise(sample.data());
                    List<String> violations = catalogue.violations(sample.type(), data);
                    assertTrue(violations.isEmpty(), () -> sample.type() + " data " + data + " violates "
                            + EventCatalogue.PATH + ":\n  " + String.join("\n  ", violations));
                }));
    }

    @Test
    void theServiceAndTheCatalogueNameTheSameTypes() {
        List<String> problems = new ArrayList<>();
        Set<String> published = new TreeSet<>();
        producerClasses.forEach(c -> published.addAll(typeConstants(c)));
        for (String type : published) {
            String source = catalogue.source(type).orElse(null);
            if (!this.source.equals(source)) {
                problems.add("the service publishes " + type + " but the catalogue gives it source " + source);
            }
        }
        catalogue.types().stream().filter(t -> this.source.equals(catalogue.source(t).orElse(null)))
                .filter(t -> !published.contains(t))
                .forEach(t -> problems.add("the catalogue has " + t + " from " + this.source + ", which no class declares"));
        for (Class<?> type : consumerClasses) {
            typeConstants(type).stream().filter(t -> !catalogue.hasType(t))
                    .forEach(t -> problems.add(type.getSimpleName() + " consumes " + t + ", which has no message"));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyPublishedTypeAndRecordHasASample() {
        Set<String> declared = new TreeSet<>();
        producerClasses.forEach(c -> declared.addAll(typeConstants(c)));
        Set<String> sampled = new TreeSet<>(samples().stream().map(Sample::type).toList());
        assertEquals(declared, sampled, "the types the service declares and the types sampled");

        Set<Class<?>> reached = new LinkedHashSet<>();
        samples().forEach(s -> reach(s.data().getClass(), reached));
        List<String> unsampled = producerClasses.stream()
                .flatMap(c -> Arrays.stream(c.getDeclaredClasses()))
                .filter(Class::isRecord).filter(r -> !reached.contains(r)).map(Class::getName).toList();
        assertTrue(unsampled.isEmpty(), "event records no sample uses: " + unsampled);

        List<String> optionalNeverLeftOut = new ArrayList<>();
        for (String type : sampled) {
            Set<String> optional = catalogue.optionalProperties(type);
            boolean leftOut = samples().stream().filter(s -> s.type().equals(type) && !s.complete())
                    .map(s -> tree(s.data()))
                    .anyMatch(node -> optional.stream().allMatch(p -> node.path(p).isMissingNode() || node.path(p).isNull()));
            if (!optional.isEmpty() && !leftOut) {
                optionalNeverLeftOut.add(type + " " + optional);
            }
        }
        assertTrue(optionalNeverLeftOut.isEmpty(),
                "types with optional fields need a Sample.withoutOptional leaving them unset: " + optionalNeverLeftOut);
    }

    @Test
    void noEventCarriesASecretOutsideTheCodeTopic() {
        List<String> leaks = new ArrayList<>();
        for (Sample sample : samples()) {
            if (CODE_TOPIC.equals(catalogue.topic(sample.type()).orElse(null))) {
                continue;
            }
            fieldNames(tree(sample.data()), "", leaks, sample.type());
        }
        assertTrue(leaks.isEmpty(), "secret or personal fields outside " + CODE_TOPIC + ": " + leaks);
    }

    @Test
    void dataIsSerialisedAsTheOutboxDoes() {
        List<String> departures = OutboxJson.departuresFromDefaults("dev.authbackup");
        assertTrue(departures.isEmpty(), "the service's ObjectMapper is not Quarkus's default; make OutboxJson "
                + "build the same one: " + departures);
    }

    private String serialise(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return fail("not serialisable: " + data, e);
        }
    }

    private JsonNode tree(Object data) {
        return json.valueToTree(data);
    }

    private static void fieldNames(JsonNode node, String path, List<String> leaks, String type) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (SECRET_FIELDS.contains(f.getKey())) {
                    leaks.add(type + " " + path + f.getKey());
                }
                fieldNames(f.getValue(), path + f.getKey() + ".", leaks, type);
            });
        } else if (node.isArray()) {
            node.forEach(item -> fieldNames(item, path, leaks, type));
        }
    }

    private static List<String> typeConstants(Class<?> type) {
        List<String> found = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            int m = field.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class) {
                try {
                    field.setAccessible(true);
                    String value = (String) field.get(null);
                    if (value != null && TYPE.matcher(value).matches()) {
                        found.add(value);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return found;
    }

    /** Adds the record and every record its components hold, also as list elements. */
    private static void reach(Type type, Set<Class<?>> reached) {
        if (type instanceof ParameterizedType p) {
            Arrays.stream(p.getActualTypeArguments()).forEach(t -> reach(t, reached));
        } else if (type instanceof Class<?> c && c.isRecord() && reached.add(c)) {
            Arrays.stream(c.getRecordComponents()).forEach(rc -> reach(rc.getGenericType(), reached));
        }
    }

    /** The components of a record (and of the records it holds) that are null or empty collections. */
    private static List<String> unsetComponents(Object value, String path) {
        List<String> unset = new ArrayList<>();
        if (value == null || value instanceof Collection<?> c && c.isEmpty()) {
            unset.add(path);
        } else if (value instanceof Collection<?> c) {
            c.forEach(item -> unset.addAll(unsetComponents(item, path + "[]")));
        } else if (value.getClass().isRecord()) {
            for (RecordComponent rc : value.getClass().getRecordComponents()) {
                try {
                    unset.addAll(unsetComponents(rc.getAccessor().invoke(value), path + "." + rc.getName()));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return unset;
    }
}
