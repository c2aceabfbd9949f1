package dev.authbackup.common.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;

/** A CloudEvent read from Kafka (binary mode): its attributes, its record key and its JSON data. */
public record IncomingEvent(String id, String type, String source, String subject, OffsetDateTime time,
        String key, JsonNode data) {

    /** Binds the data to an event record; a payload that does not fit is a poison message. */
    public <T> T dataAs(ObjectMapper json, Class<T> type) {
        try {
            return json.treeToValue(data, type);
        } catch (Exception e) {
            throw new PoisonEventException("data of " + this.type + " does not match its schema");
        }
    }
}
