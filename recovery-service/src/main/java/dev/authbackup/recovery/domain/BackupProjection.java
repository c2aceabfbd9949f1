package dev.authbackup.recovery.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.recovery.messaging.BackupEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;

/**
 * Keeps recovery-service's projection of each account's backups. Order-safe: an event whose revision
 * is not newer than the one projected (a late or replayed event) changes nothing. Each method must run
 * inside the consumer's transaction.
 */
@ApplicationScoped
public class BackupProjection {

    private final ObjectMapper json;

    public BackupProjection(ObjectMapper json) {
        this.json = json;
    }

    /** Applies a stored version or an undeleted backup: the backup as it now is. */
    public Uni<Void> stored(BackupEvents.Stored event) {
        String entries;
        try {
            entries = json.writeValueAsString(event.entries());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO backup_projection
                       (account_id, platform, version, revision, status, device_id, entries, updated_at, deleted)
                VALUES (:account, :platform, :version, :revision, :status, :device, :entries, :updated, FALSE)
                ON CONFLICT (account_id, platform) DO UPDATE
                   SET version = EXCLUDED.version, revision = EXCLUDED.revision, status = EXCLUDED.status,
                       device_id = EXCLUDED.device_id, entries = EXCLUDED.entries, updated_at = EXCLUDED.updated_at,
                       deleted = FALSE
                 WHERE backup_projection.revision < EXCLUDED.revision""")
                .setParameter("account", event.accountId())
                .setParameter("platform", event.platform())
                .setParameter("version", event.version())
                .setParameter("revision", event.revision())
                .setParameter("status", event.status())
                .setParameter("device", event.deviceId())
                .setParameter("entries", entries)
                .setParameter("updated", event.updatedAt().atOffset(ZoneOffset.UTC))
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Void> deleted(BackupEvents.Deleted event) {
        return change("deleted = TRUE", event.accountId(), event.platform(), event.revision(), null);
    }

    public Uni<Void> statusChanged(BackupEvents.StatusChanged event) {
        return change("status = :status", event.accountId(), event.platform(), event.revision(), event.status());
    }

    private Uni<Void> change(String assignment, String account, String platform, long revision, String status) {
        return Panache.getSession().flatMap(session -> {
            var query = session.createNativeQuery("UPDATE backup_projection SET " + assignment + """
                    , revision = :revision
                     WHERE account_id = :account AND platform = :platform AND revision < :revision""")
                    .setParameter("account", account)
                    .setParameter("platform", platform)
                    .setParameter("revision", revision);
            if (status != null) {
                query.setParameter("status", status);
            }
            return query.executeUpdate();
        }).replaceWithVoid();
    }
}
