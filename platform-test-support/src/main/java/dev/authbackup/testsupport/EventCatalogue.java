package dev.authbackup.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event catalogue of {@code deploy/asyncapi.yaml}, read as a test sees it: which event types exist, who produces
 * them, on which topic, and whether a producer's JSON data matches the payload schema of its type.
 *
 * <p>Producers are held to a stricter rule than the catalogue states for consumers: the catalogue lets consumers
 * ignore unknown fields ({@code additionalProperties: true}), but a producer that writes a field the catalogue does not
 * declare has renamed or invented one, so {@link #violations} treats every object schema as closed.
 */
public final class EventCatalogue {

    /** Where the catalogue lives, relative to the repository root. */
    public static final String PATH = "deploy/asyncapi.yaml";

    private final Path file;
    private final Map<String, JsonNode> messagesByType = new LinkedHashMap<>();
    private final Map<String, String> topicsByType = new LinkedHashMap<>();
    private final Map<String, Schema> schemas = new LinkedHashMap<>();
    private final ObjectNode strictDefinitions;
    private final SchemaRegistry registry;
    private final ObjectMapper json = new ObjectMapper();

    private EventCatalogue(Path file) {
        this.file = file;
        JsonNode doc;
        try {
            doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        JsonNode messages = doc.path("components").path("messages");
        messages.forEach(m -> messagesByType.put(m.path("name").asText(), m));
        // A channel lists its messages as {$ref: '#/components/messages/<key>'}.
        doc.path("channels").forEach(channel -> channel.path("messages").forEach(ref -> {
            String key = ref.path("$ref").asText().replaceFirst("^#/components/messages/", "");
            topicsByType.put(messages.path(key).path("name").asText(), channel.path("address").asText());
        }));
        strictDefinitions = ((ObjectNode) doc.path("components").path("schemas")).deepCopy();
        strictDefinitions.forEach(EventCatalogue::closeObjects);
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true).build()));
    }

    /** Reads {@value #PATH} of the repository the working directory (a module or the root) belongs to. */
    public static EventCatalogue load() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(PATH);
            if (Files.isRegularFile(candidate)) {
                return new EventCatalogue(candidate);
            }
        }
        throw new IllegalStateException(PATH + " not found above " + Path.of("").toAbsolutePath());
    }

    public Path file() {
        return file;
    }

    /** Every versioned event type that has a message in the catalogue. */
    public Set<String> types() {
        return messagesByType.keySet();
    }

    public boolean hasType(String type) {
        return messagesByType.containsKey(type);
    }

    /** The {@code ce_source} the catalogue gives the type, e.g. {@code /backup-service}; empty for an unknown type. */
    public Optional<String> source(String type) {
        return Optional.ofNullable(messagesByType.get(type))
                .map(m -> m.path("headers").path("allOf").path(1).path("properties").path("ce_source").path("const"))
                .filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    /** The topic whose channel carries the type's message; empty for an unknown type. */
    public Optional<String> topic(String type) {
        return Optional.ofNullable(topicsByType.get(type));
    }

    /** The properties of the type's payload that the schema does not require. */
    public Set<String> optionalProperties(String type) {
        JsonNode payload = payload(type);
        Set<String> optional = new TreeSet<>();
        payload.path("properties").fieldNames().forEachRemaining(optional::add);
        payload.path("required").forEach(r -> optional.remove(r.asText()));
        return optional;
    }

    private JsonNode payload(String type) {
        JsonNode message = messagesByType.get(type);
        if (message == null) {
            throw new IllegalArgumentException(type + " has no message in " + file);
        }
        String ref = message.path("payload").path("$ref").asText();
        return strictDefinitions.path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /**
     * Validates JSON data against the payload schema of its type, every object closed to undeclared properties.
     *
     * @return one line per violation; empty when the data is valid
     */
    public List<String> violations(String type, String data) {
        Schema schema = schemas.computeIfAbsent(type, this::strictPayloadSchema);
        return schema.validate(data, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    private Schema strictPayloadSchema(String type) {
        payload(type); // refuses an unknown type
        // The catalogue's schemas as the $defs of one JSON Schema document whose root is the payload's schema.
        ObjectNode root = json.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$ref", messagesByType.get(type).path("payload").path("$ref").asText());
        root.set("$defs", strictDefinitions);
        return registry.getSchema(root.toString().replace("\"#/components/schemas/", "\"#/$defs/"), InputFormat.JSON);
    }

    /** Makes every object schema that lists its properties refuse any other. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.path("additionalProperties").isObject()) {
                object.set("additionalProperties", BooleanNode.FALSE);
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
                closeObjects(children.next());
            }
        } else if (node.isArray()) {
            node.forEach(EventCatalogue::closeObjects);
        }
    }
}
