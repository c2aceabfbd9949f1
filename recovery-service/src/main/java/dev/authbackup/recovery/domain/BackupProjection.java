package dev.authbackup.recovery.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.recovery.messaging.BackupEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Keeps recovery-service's projection of each account's backups. Order-safe: an event whose revision
 * is not newer than the one projected (a late or replayed event) changes nothing. Each write runs inside the
 * consumer's transaction.
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

    /**
     * Applies a stored version or an undeleted backup: the backup as it now is. The writes run on the SQL client,
     * in the transaction the consumer shares among the events of one polled batch.
     */
    public Uni<Void> stored(SqlConnection transaction, BackupEvents.Stored event) {
        String entries;
        try {
            entries = json.writeValueAsString(event.entries());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return transaction.preparedQuery("""
                INSERT INTO backup_projection
                       (account_id, platform, version, revision, status, device_id, entries, updated_at, deleted)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE)
                ON CONFLICT (account_id, platform) DO UPDATE
                   SET version = EXCLUDED.version, revision = EXCLUDED.revision, status = EXCLUDED.status,
                       device_id = EXCLUDED.device_id, entries = EXCLUDED.entries, updated_at = EXCLUDED.updated_at,
                       deleted = FALSE
                 WHERE backup_projection.revision < EXCLUDED.revision""")
                .execute(Tuple.from(new Object[] {event.accountId(), event.platform(), event.version(),
                        event.revision(), event.status(), event.deviceId(), entries,
                        event.updatedAt().atOffset(ZoneOffset.UTC)}))
                .replaceWithVoid();
    }

    public Uni<Void> deleted(SqlConnection transaction, BackupEvents.Deleted event) {
        return transaction.preparedQuery("""
                UPDATE backup_projection SET deleted = TRUE, revision = $3
                 WHERE account_id = $1 AND platform = $2 AND revision < $3""")
                .execute(Tuple.of(event.accountId(), event.platform(), event.revision()))
                .replaceWithVoid();
    }

    public Uni<Void> statusChanged(SqlConnection transaction, BackupEvents.StatusChanged event) {
        return transaction.preparedQuery("""
                UPDATE backup_projection SET status = $4, revision = $3
                 WHERE account_id = $1 AND platform = $2 AND revision < $3""")
                .execute(Tuple.of(event.accountId(), event.platform(), event.revision(), event.status()))
                .replaceWithVoid();
    }
}
