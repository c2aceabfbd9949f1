package dev.authbackup.notification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.notification.domain.Provisioning;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Turns recovery-service's events into provisioning authorisations (and their end), once per event id. */
@ApplicationScoped
public class RecoveryEventsConsumer {

    static final String CONSUMER = "notification.provisioning";

    private final IdempotentConsumer consumer;
    private final Provisioning provisioning;
    private final ObjectMapper json;

    public RecoveryEventsConsumer(IdempotentConsumer consumer, Provisioning provisioning, ObjectMapper json) {
        this.consumer = consumer;
        this.provisioning = provisioning;
        this.json = json;
    }

    @Incoming(RecoveryEvents.CHANNEL)
    public Uni<Void> onRecoveryEvent(Message<String> message) {
        return consumer.consume(CONSUMER, message, event -> switch (event.type()) {
            case RecoveryEvents.STARTED -> provisioning.started(event.dataAs(json, RecoveryEvents.Started.class));
            case RecoveryEvents.PUSH_KEY_AUTHORIZED ->
                    provisioning.pushKeyAuthorized(event.dataAs(json, RecoveryEvents.PushKeyAuthorized.class));
            case RecoveryEvents.COMPLETED, RecoveryEvents.EXPIRED, RecoveryEvents.CANCELLED ->
                    provisioning.ended(event.type(), event.dataAs(json, RecoveryEvents.Ended.class));
            // Other recovery events do not concern devices: recorded as seen and skipped.
            default -> Uni.createFrom().voidItem();
        });
    }
}
