package dev.authbackup.notification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a dead-lettered code delivery without its one-time code and its address: one-time codes travel only on
 * {@code verification.code-deliveries} (kept one hour), never on the dead-letter topic (kept 14 days), which other
 * events share. What an operator needs to follow the failure up stays: the delivery's id, account, channel, purpose
 * and expiry, and the CloudEvents and dead-letter headers. A payload that is not a JSON object is not written at all.
 */
public class RedactedDeliverySerializer implements Serializer<String> {

    /** The fields of a delivery that carry what it sends and where: a code, an address. */
    static final List<String> WITHHELD = List.of("code", "to");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public byte[] serialize(String topic, String data) {
        if (data == null) {
            return null;
        }
        ObjectNode redacted;
        try {
            JsonNode delivery = JSON.readTree(data);
            redacted = delivery instanceof ObjectNode object ? object : JSON.createObjectNode();
        } catch (Exception e) {
            redacted = JSON.createObjectNode();
        }
        redacted.remove(WITHHELD);
        redacted.put("redacted", true);
        return redacted.toString().getBytes(StandardCharsets.UTF_8);
    }
}
