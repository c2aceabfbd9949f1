package dev.authbackup.recovery.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.common.messaging.IncomingEvent;
import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.recovery.domain.BackupProjection;
import dev.authbackup.recovery.domain.RecoverySaga;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Feeds backup-service's events into the backup projection and the saga, once per event id. */
@ApplicationScoped
public class BackupEventsConsumer {

    static final String CONSUMER = "recovery.backup-projection";

    private final IdempotentConsumer consumer;
    private final BackupProjection projection;
    private final RecoverySaga saga;
    private final ObjectMapper json;

    public BackupEventsConsumer(IdempotentConsumer consumer, BackupProjection projection, RecoverySaga saga,
            ObjectMapper json) {
        this.consumer = consumer;
        this.projection = projection;
        this.saga = saga;
        this.json = json;
    }

    /**
     * A polled batch in order: the projection's events share one transaction; a release (the saga's) runs alone.
     * Types this service does not use are recorded as seen and skipped.
     */
    @Incoming(BackupEvents.CHANNEL)
    public Uni<Void> onBackupEvents(KafkaRecordBatch<String, String> batch) {
        return consumer.consumeBatch(CONSUMER, batch, this::projectionWrite, this::released);
    }

    /** The projection's write for this event, null for a release; a malformed event is poison. */
    private IdempotentConsumer.Write projectionWrite(IncomingEvent event) {
        return switch (event.type()) {
            case BackupEvents.STORED, BackupEvents.RESTORED -> {
                BackupEvents.Stored stored = event.dataAs(json, BackupEvents.Stored.class);
                if (stored.version() == null || stored.status() == null || stored.updatedAt() == null
                        || stored.entries() == null) {
                    throw poison(event, "version, status, time or entries");
                }
                require(event, stored.accountId(), stored.platform(), stored.revision());
                yield transaction -> projection.stored(transaction, stored);
            }
            case BackupEvents.DELETED -> {
                BackupEvents.Deleted deleted = event.dataAs(json, BackupEvents.Deleted.class);
                require(event, deleted.accountId(), deleted.platform(), deleted.revision());
                yield transaction -> projection.deleted(transaction, deleted);
            }
            case BackupEvents.STATUS_CHANGED -> {
                BackupEvents.StatusChanged changed = event.dataAs(json, BackupEvents.StatusChanged.class);
                require(event, changed.accountId(), changed.platform(), changed.revision());
                if (changed.status() == null) {
                    throw poison(event, "status");
                }
                yield transaction -> projection.statusChanged(transaction, changed);
            }
            case SagaEvents.RELEASED -> null;
            default -> transaction -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> released(IncomingEvent event) {
        SagaEvents.Released released = event.dataAs(json, SagaEvents.Released.class);
        if (released.accountId() == null || released.recoveryId() == null || released.deviceId() == null) {
            throw poison(event, "account, recovery or device");
        }
        return saga.released(released);
    }

    private static void require(IncomingEvent event, String account, String platform, Long revision) {
        if (account == null || platform == null || revision == null) {
            throw poison(event, "account, platform or revision");
        }
    }

    private static PoisonEventException poison(IncomingEvent event, String missing) {
        return new PoisonEventException(event.type() + " without " + missing);
    }
}
