package dev.authbackup.recovery.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.messaging.IdempotentConsumer;
import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.recovery.domain.BackupProjection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Feeds backup-service's events into the backup projection, once per event id. */
@ApplicationScoped
public class BackupEventsConsumer {

    static final String CONSUMER = "recovery.backup-projection";

    private final IdempotentConsumer consumer;
    private final BackupProjection projection;
    private final ObjectMapper json;

    public BackupEventsConsumer(IdempotentConsumer consumer, BackupProjection projection, ObjectMapper json) {
        this.consumer = consumer;
        this.projection = projection;
        this.json = json;
    }

    @Incoming(BackupEvents.CHANNEL)
    public Uni<Void> onBackupEvent(Message<String> message) {
        return consumer.consume(CONSUMER, message, event -> switch (event.type()) {
            case BackupEvents.STORED -> {
                BackupEvents.Stored stored = event.dataAs(json, BackupEvents.Stored.class);
                if (stored.accountId() == null || stored.platform() == null || stored.entries() == null) {
                    throw new PoisonEventException(BackupEvents.STORED + " without account, platform or entries");
                }
                yield projection.stored(stored);
            }
            // Types this projection does not use yet are recorded as seen and skipped.
            default -> Uni.createFrom().voidItem();
        });
    }
}
