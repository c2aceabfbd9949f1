package dev.authbackup.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Records an event to publish, inside the caller's transaction. There is no other way to emit an
 * event: a state change and its event commit together or not at all.
 *
 * <p>How the relay learns of a commit differs by path. An ORM transaction NOTIFYs {@code outbox_event} in the
 * statement that inserts the event (delivered at commit, to every replica's relay). A SQL-client transaction, the
 * upload path, does not: a transaction that NOTIFYs holds PostgreSQL's one notification lock from its pre-commit
 * until its commit record is flushed, so such commits run one at a time on the whole server (pgbench of the upload
 * transaction at 16 clients: 1531 tx/s with the NOTIFY, 2228 without). It wakes this process's relay when the commit
 * completes instead; a relay that finds another replica's round in progress tries again shortly
 * ({@link OutboxRelay}).
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final Clock clock;
    private final OutboxRelay relay;

    public Outbox(ObjectMapper json, Clock clock, OutboxRelay relay) {
        this.json = json;
        this.clock = clock;
        this.relay = relay;
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
                return outsideATransaction();
            }
            OutboxEvent event;
            try {
                event = event(topic, key, type, subject, data);
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(e);
            }
            // One statement: the insert and the NOTIFY that PostgreSQL delivers at commit (none on rollback).
            return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                    WITH woken AS (SELECT pg_notify('outbox_event', ''))
                    INSERT INTO outbox_event (id, topic, message_key, type, subject, occurred_at, payload)
                    SELECT :id, :topic, :key, :type, :subject, :occurred, :payload FROM woken""")
                    .setParameter("id", event.id())
                    .setParameter("topic", event.topic())
                    .setParameter("key", event.messageKey())
                    .setParameter("type", event.type())
                    .setParameter("subject", event.subject())
                    .setParameter("occurred", event.occurredAt())
                    .setParameter("payload", event.payload())
                    .executeUpdate()).replaceWith(event.id());
        });
    }

    /**
     * The same, for a state change written with the SQL client: {@code transaction} must be the connection of
     * that change's open transaction. This process's relay starts a round when it commits.
     */
    public Uni<UUID> publish(SqlConnection transaction, String topic, String key, String type, String subject,
            Object data) {
        OutboxEvent event = event(topic, key, type, subject, data);
        Transaction open = transaction.transaction();
        if (open == null) {
            return outsideATransaction();
        }
        open.completion().subscribe().with(committed -> relay.wake(), rolledBack -> { });
        return transaction.preparedQuery("""
                INSERT INTO outbox_event (id, topic, message_key, type, subject, occurred_at, payload)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(new Object[] {event.id(), event.topic(), event.messageKey(), event.type(),
                        event.subject(), event.occurredAt(), event.payload()}))
                .replaceWith(event.id());
    }

    private static Uni<UUID> outsideATransaction() {
        return Uni.createFrom().failure(new IllegalStateException(
                "An outbox event must be written inside the transaction of its state change"));
    }

    private OutboxEvent event(String topic, String key, String type, String subject, Object data) {
        try {
            return new OutboxEvent(UUID.randomUUID(), topic, key, type, subject,
                    OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), json.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event data is not serialisable", e);
        }
    }
}
