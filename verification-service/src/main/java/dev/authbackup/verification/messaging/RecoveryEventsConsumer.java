package dev.authbackup.verification.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.common.messaging.IncomingEvent;
import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.verification.domain.RecoveryProjections;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Feeds recovery-service's events into the recovery projection, once per event id. */
@ApplicationScoped
public class RecoveryEventsConsumer {

    static final String CONSUMER = "verification.recovery-projection";

    private final IdempotentConsumer consumer;
    private final RecoveryProjections projections;
    private final ObjectMapper json;

    public RecoveryEventsConsumer(IdempotentConsumer consumer, RecoveryProjections projections, ObjectMapper json) {
        this.consumer = consumer;
        this.projections = projections;
        this.json = json;
    }

    @Incoming(RecoveryEvents.CHANNEL)
    public Uni<Void> onRecoveryEvent(Message<String> message) {
        return consumer.consume(CONSUMER, message, event -> switch (event.type()) {
            case RecoveryEvents.STARTED -> {
                RecoveryEvents.Started started = event.dataAs(json, RecoveryEvents.Started.class);
                if (started.recoveryId() == null || started.accountId() == null || started.deviceId() == null
                        || started.entries() == null) {
                    throw new PoisonEventException(RecoveryEvents.STARTED + " without recovery, account, device or entries");
                }
                yield projections.started(started);
            }
            case RecoveryEvents.COMPLETED -> projections.ended(ended(event), "completed");
            case RecoveryEvents.EXPIRED -> projections.ended(ended(event), "expired");
            case RecoveryEvents.CANCELLED -> projections.ended(ended(event), "cancelled");
            // Types this projection does not use are recorded as seen and skipped.
            default -> Uni.createFrom().voidItem();
        });
    }

    private RecoveryEvents.Ended ended(IncomingEvent event) {
        RecoveryEvents.Ended ended = event.dataAs(json, RecoveryEvents.Ended.class);
        if (ended.recoveryId() == null) {
            throw new PoisonEventException(event.type() + " without recoveryId");
        }
        return ended;
    }
}
