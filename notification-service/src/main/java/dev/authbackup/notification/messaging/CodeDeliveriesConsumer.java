package dev.authbackup.notification.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.notification.delivery.CodeDelivery;
import dev.authbackup.notification.domain.NotificationMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends each code or notice of {@code verification.code-deliveries} at most once per event id: the send
 * runs inside the inbox transaction, so a failed send rolls the inbox row back and is retried with
 * backoff; what still fails is dead-lettered and counted as a failed delivery.
 */
@ApplicationScoped
public class CodeDeliveriesConsumer {

    static final String CONSUMER = "notification.code-deliveries";

    private final IdempotentConsumer consumer;
    private final CodeDelivery delivery;
    private final NotificationMetrics metrics;
    private final ObjectMapper json;

    public CodeDeliveriesConsumer(IdempotentConsumer consumer, CodeDelivery delivery, NotificationMetrics metrics,
            ObjectMapper json) {
        this.consumer = consumer;
        this.delivery = delivery;
        this.metrics = metrics;
        this.json = json;
    }

    @Incoming(CodeDeliveries.CHANNEL)
    public Uni<Void> onDelivery(Message<String> message) {
        // IdempotentConsumer nacks exactly what it dead-letters: count those as failed deliveries.
        Message<String> counted = message.withNack(reason -> {
            metrics.deliveryFailed(channelOf(message.getPayload()));
            return message.nack(reason);
        });
        return consumer.consume(CONSUMER, counted, event -> switch (event.type()) {
            case CodeDeliveries.CODE -> delivery.deliver(event.dataAs(json, CodeDeliveries.Code.class));
            case CodeDeliveries.NOTICE -> delivery.deliver(event.dataAs(json, CodeDeliveries.Notice.class));
            default -> Uni.createFrom().voidItem();
        });
    }

    private String channelOf(String payload) {
        try {
            JsonNode data = payload == null ? null : json.readTree(payload);
            return CodeDelivery.channelOf(data);
        } catch (Exception e) {
            return "unknown";
        }
    }
}
