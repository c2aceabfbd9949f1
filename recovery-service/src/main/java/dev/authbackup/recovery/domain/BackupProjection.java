package dev.authbackup.recovery.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.recovery.messaging.BackupEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;

/**
 * Keeps recovery-service's projection of each account's backups. Order-safe: a version older than
 * the one projected (a late or replayed event) changes nothing.
 */
@ApplicationScoped
public class BackupProjection {

    private final ObjectMapper json;

    public BackupProjection(ObjectMapper json) {
        this.json = json;
    }

    /** Applies a stored version; must run inside the consumer's transaction. */
    public Uni<Void> stored(BackupEvents.Stored event) {
        String entries;
        try {
            entries = json.writeValueAsString(event.entries());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO backup_projection (account_id, platform, version, status, device_id, entries, updated_at, deleted)
                VALUES (:account, :platform, :version, :status, :device, :entries, :updated, FALSE)
                ON CONFLICT (account_id, platform) DO UPDATE
                   SET version = EXCLUDED.version, status = EXCLUDED.status, device_id = EXCLUDED.device_id,
                       entries = EXCLUDED.entries, updated_at = EXCLUDED.updated_at, deleted = FALSE
                 WHERE backup_projection.version < EXCLUDED.version""")
                .setParameter("account", event.accountId())
                .setParameter("platform", event.platform())
                .setParameter("version", event.version())
                .setParameter("status", event.status())
                .setParameter("device", event.deviceId())
                .setParameter("entries", entries)
                .setParameter("updated", event.updatedAt().atOffset(ZoneOffset.UTC))
                .executeUpdate()).replaceWithVoid();
    }
}
