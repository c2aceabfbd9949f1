package dev.authbackup.recovery.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.recovery.messaging.BackupEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Keeps recovery-service's projection of each account's backups. Order-safe: an event whose revision
 * is not newer than the one projected (a late or replayed event) changes nothing. Each method must run
 * inside the consumer's transaction.
 */
@ApplicationScoped
public class BackupProjection {

    private static final TypeReference<List<BackupEvents.Entry>> ENTRIES = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public BackupProjection(ObjectMapper json) {
        this.json = json;
    }

    /** A live backup as projected: what a recovery is decided from. */
    public record Projected(int version, String status, List<BackupEvents.Entry> entries) {
    }

    /**
     * The account's live backup on this platform, or null; its row stays locked for the transaction,
     * so that two recoveries begun at once for one account decide one after the other.
     */
    public Uni<Projected> lockLive(String account, String platform) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                SELECT version, status, entries FROM backup_projection
                 WHERE account_id = :account AND platform = :platform AND NOT deleted FOR UPDATE""", Object[].class)
                .setParameter("account", account)
                .setParameter("platform", platform)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : new Projected(((Number) rows.get(0)[0]).intValue(),
                        (String) rows.get(0)[1], entries((String) rows.get(0)[2])));
    }

    /** The platforms the account has a live backup on, sorted. */
    public Uni<List<String>> livePlatforms(String account) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                SELECT platform FROM backup_projection WHERE account_id = :account AND NOT deleted ORDER BY platform""",
                        String.class)
                .setParameter("account", account)
                .getResultList());
    }

    private List<BackupEvents.Entry> entries(String stored) {
        try {
            return json.readValue(stored, ENTRIES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A projected manifest is unreadable", e);
        }
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
