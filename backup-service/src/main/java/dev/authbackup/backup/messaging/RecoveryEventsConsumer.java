package dev.authbackup.backup.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.backup.domain.KeyRelease;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.common.messaging.PoisonEventException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Turns recovery-service's events into release authorisations (and their end), once per event id. */
@ApplicationScoped
public class RecoveryEventsConsumer {

    static final String CONSUMER = "backup.release-authorizations";

    private final IdempotentConsumer consumer;
    private final KeyRelease release;
    private final ObjectMapper json;

    public RecoveryEventsConsumer(IdempotentConsumer consumer, KeyRelease release, ObjectMapper json) {
        this.consumer = consumer;
        this.release = release;
        this.json = json;
    }

    @Incoming(RecoveryEvents.CHANNEL)
    public Uni<Void> onRecoveryEvent(Message<String> message) {
        return consumer.consume(CONSUMER, message, event -> switch (event.type()) {
            case RecoveryEvents.STARTED -> {
                RecoveryEvents.Started started = event.dataAs(json, RecoveryEvents.Started.class);
                if (started.recoveryId() == null || started.accountId() == null || started.backupVersion() == null
                        || started.deviceId() == null || started.startedAt() == null
                        || !("ios".equals(started.platform()) || "android".equals(started.platform()))) {
                    throw new PoisonEventException(RecoveryEvents.STARTED
                            + " without recovery, account, platform, version, device or start time");
                }
                yield release.authorize(started);
            }
            case RecoveryEvents.COMPLETED, RecoveryEvents.EXPIRED, RecoveryEvents.CANCELLED -> {
                RecoveryEvents.Ended ended = event.dataAs(json, RecoveryEvents.Ended.class);
                if (ended.recoveryId() == null) {
                    throw new PoisonEventException(event.type() + " without a recovery id");
                }
                yield release.revoke(ended);
            }
            // Other recovery events do not concern backups: recorded as seen and skipped.
            default -> Uni.createFrom().voidItem();
        });
    }
}
