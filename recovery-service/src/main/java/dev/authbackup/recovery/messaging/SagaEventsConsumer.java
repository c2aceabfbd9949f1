package dev.authbackup.recovery.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.common.messaging.IncomingEvent;
import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.recovery.domain.RecoverySaga;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Feeds verification-service's and notification-service's steps into the saga, once per event id. */
@ApplicationScoped
public class SagaEventsConsumer {

    static final String VERIFICATIONS = "recovery.saga-verifications";
    static final String DEVICES = "recovery.saga-devices";

    private final IdempotentConsumer consumer;
    private final RecoverySaga saga;
    private final ObjectMapper json;

    public SagaEventsConsumer(IdempotentConsumer consumer, RecoverySaga saga, ObjectMapper json) {
        this.consumer = consumer;
        this.saga = saga;
        this.json = json;
    }

    @Incoming(SagaEvents.VERIFICATION_CHANNEL)
    public Uni<Void> onVerificationEvent(Message<String> message) {
        return consumer.consume(VERIFICATIONS, message, event -> switch (event.type()) {
            case SagaEvents.VERIFICATION_SUCCEEDED -> saga.verified(step(event));
            default -> Uni.createFrom().voidItem();
        });
    }

    @Incoming(SagaEvents.DEVICE_CHANNEL)
    public Uni<Void> onDeviceEvent(Message<String> message) {
        return consumer.consume(DEVICES, message, event -> switch (event.type()) {
            case SagaEvents.PUSH_KEY_REGISTERED -> saga.pushKeyRegistered(step(event));
            case SagaEvents.CREDENTIAL_ISSUED -> saga.credentialIssued(step(event));
            default -> Uni.createFrom().voidItem();
        });
    }

    private SagaEvents.EntryStep step(IncomingEvent event) {
        SagaEvents.EntryStep step = event.dataAs(json, SagaEvents.EntryStep.class);
        if (step.accountId() == null || step.recoveryId() == null || step.entryRef() == null
                || step.deviceId() == null) {
            throw new PoisonEventException(event.type() + " without account, recovery, entry or device");
        }
        return step;
    }
}
