package dev.authbackup.common.messaging;

import static dev.authbackup.common.messaging.CloudEventHeaders.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.security.AccountId;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs a consumer's effect at most once per event id: the id goes into the {@code processed_event}
 * inbox in the same transaction as the effect, so a redelivered event changes nothing.
 *
 * <p>Transient failures are retried a bounded number of times; a poison message, or one that still
 * fails after the retries, is nacked, which the channel's dead-letter strategy sends to the DLQ topic:
 * the partition keeps flowing.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);
    static final int RETRIES = 3;

    private final ObjectMapper json;
    private final MeterRegistry registry;

    public IdempotentConsumer(ObjectMapper json, MeterRegistry registry) {
        this.json = json;
        this.registry = registry;
    }

    /**
     * @param consumer a stable name for this consumer (one inbox namespace per consumer)
     * @param message  the Kafka message as received
     * @param effect   the state change; runs inside the inbox transaction
     */
    public Uni<Void> consume(String consumer, Message<String> message, Function<IncomingEvent, Uni<Void>> effect) {
        IncomingEvent event;
        try {
            event = read(message);
        } catch (PoisonEventException e) {
            return deadLetter(consumer, null, message, e);
        }
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery("""
                                INSERT INTO processed_event (consumer, event_id, event_type, processed_at)
                                VALUES (:consumer, :id, :type, now()) ON CONFLICT DO NOTHING""")
                                .setParameter("consumer", consumer)
                                .setParameter("id", event.id())
                                .setParameter("type", event.type())
                                .executeUpdate())
                        .flatMap(inserted -> inserted == 1
                                ? effect.apply(event).invoke(() -> outcome(consumer, event, "applied"))
                                : Uni.createFrom().voidItem().invoke(() -> outcome(consumer, event, "duplicate"))))
                .onFailure(failure -> !(failure instanceof PoisonEventException))
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(RETRIES)
                .onItem().transformToUni(done -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(failure -> deadLetter(consumer, event, message, failure));
    }

    private Uni<Void> deadLetter(String consumer, IncomingEvent event, Message<String> message, Throwable failure) {
        registry.counter("authbackup.events.dead_lettered", "consumer", consumer).increment();
        LOG.warnf("Dead-lettering event %s (%s) in %s: %s", event == null ? "?" : event.id(),
                event == null ? "unreadable" : event.type(), consumer, failure.getMessage());
        return Uni.createFrom().completionStage(message.nack(failure));
    }

    private void outcome(String consumer, IncomingEvent event, String outcome) {
        registry.counter("authbackup.events.consumed", "consumer", consumer, "type", event.type(),
                "outcome", outcome).increment();
        LOG.debugf("%s %s event %s for %s", consumer, outcome, event.id(),
                event.key() == null ? "-" : AccountId.logId(event.key()));
    }

    /** Reads the CloudEvents binary-mode headers and the JSON data; anything missing makes it poison. */
    IncomingEvent read(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new PoisonEventException("not a Kafka record"));
        Headers headers = metadata.getHeaders();
        String id = header(headers, ID);
        String type = header(headers, TYPE);
        if (id == null || type == null || !SPEC_VERSION_1_0.equals(header(headers, SPEC_VERSION))) {
            throw new PoisonEventException("not a CloudEvents 1.0 record");
        }
        JsonNode data;
        try {
            data = message.getPayload() == null ? null : json.readTree(message.getPayload());
        } catch (Exception e) {
            throw new PoisonEventException("data is not JSON");
        }
        if (data == null || !data.isObject()) {
            throw new PoisonEventException("data is not a JSON object");
        }
        OffsetDateTime time = null;
        String timeHeader = header(headers, TIME);
        if (timeHeader != null) {
            try {
                time = OffsetDateTime.parse(timeHeader);
            } catch (Exception e) {
                throw new PoisonEventException("ce_time is not RFC 3339");
            }
        }
        Object key = metadata.getKey();
        return new IncomingEvent(id, type, header(headers, SOURCE), header(headers, SUBJECT), time,
                key == null ? null : key.toString(), data);
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
