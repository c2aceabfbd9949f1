package dev.authbackup.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Records an event to publish, inside the caller's transaction. There is no other way to emit an
 * event: a state change and its event commit together or not at all.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final Clock clock;

    public Outbox(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /**
     * Adds an event to the outbox of the current transaction.
     *
     * @param topic   the Kafka topic
     * @param key     the Kafka key: the recovery account id
     * @param type    the versioned CloudEvents type, e.g. {@code backup.stored.v1}
     * @param subject the CloudEvents subject (what the event is about within the account), may be null
     * @param data    the event record; serialised as JSON
     * @return the event id
     */
    public Uni<UUID> publish(String topic, String key, String type, String subject, Object data) {
        return Panache.currentTransaction().flatMap(tx -> {
            if (tx == null) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "An outbox event must be written inside the transaction of its state change"));
            }
            OutboxEvent event;
            try {
                event = event(topic, key, type, subject, data);
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(e);
            }
            return event.persist().replaceWith(event.id);
        });
    }

    /**
     * The same, for a state change written with the SQL client: {@code transaction} must be the connection of
     * that change's open transaction.
     */
    public Uni<UUID> publish(SqlConnection transaction, String topic, String key, String type, String subject,
            Object data) {
        OutboxEvent event = event(topic, key, type, subject, data);
        return transaction.preparedQuery("""
                INSERT INTO outbox_event (id, topic, message_key, type, subject, occurred_at, payload)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(new Object[] {event.id, event.topic, event.messageKey, event.type, event.subject,
                        event.occurredAt, event.payload}))
                .replaceWith(event.id);
    }

    private OutboxEvent event(String topic, String key, String type, String subject, Object data) {
        OutboxEvent event = new OutboxEvent();
        event.id = UUID.randomUUID();
        event.topic = topic;
        event.messageKey = key;
        event.type = type;
        event.subject = subject;
        event.occurredAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        try {
            event.payload = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event data is not serialisable", e);
        }
        return event;
    }
}
