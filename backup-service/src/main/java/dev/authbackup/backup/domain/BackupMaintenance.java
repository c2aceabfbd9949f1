package dev.authbackup.backup.domain;

import dev.authbackup.backup.config.BackupConfig;
import dev.authbackup.backup.messaging.BackupEvents;
import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.security.AccountId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The scheduled upkeep of backups: marking out-of-date backups {@code sign_in_required}, purging what
 * the retention rules no longer keep (crypto-shredding first), and re-wrapping data keys under the
 * current KEK after a rotation. Each step is safe to run on several replicas at once.
 */
@ApplicationScoped
public class BackupMaintenance {

    private static final Logger LOG = Logger.getLogger(BackupMaintenance.class);

    private final BackupConfig config;
    private final KeyEncryptionKeys keys;
    private final Outbox outbox;
    private final BackupMetrics metrics;
    private final Clock clock;

    public BackupMaintenance(BackupConfig config, KeyEncryptionKeys keys, Outbox outbox, BackupMetrics metrics,
            Clock clock) {
        this.config = config;
        this.keys = keys;
        this.outbox = outbox;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Scheduled(identity = "backup-maintenance", every = "${backup.maintenance.every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        return markStale().replaceWithVoid()
                .flatMap(x -> purge()).replaceWithVoid()
                .flatMap(x -> rewrap()).replaceWithVoid()
                .onFailure().invoke(e -> LOG.error("Backup maintenance failed; the next run retries", e))
                .onFailure().recoverWithNull();
    }

    /** Marks live backups whose newest sign-in is older than the maximum age; returns how many changed. */
    public Uni<Integer> markStale() {
        OffsetDateTime now = BackupStore.now(clock);
        OffsetDateTime cutoff = now.minus(config.signInMaxAge());
        return repeatWhileFull(() -> Panache.withTransaction(() -> Backup.lockStale(cutoff, batch())
                .flatMap(heads -> Multi.createFrom().iterable(heads)
                        .onItem().transformToUniAndConcatenate(head -> {
                            head.status = BackupStatus.sign_in_required;
                            head.revision++;
                            BackupEvents.StatusChanged event = new BackupEvents.StatusChanged(head.accountId,
                                    head.platform.name(), head.currentVersion, head.revision, head.status.name(),
                                    BackupStatus.current.name(), now.toInstant());
                            LOG.infof("Backup out of date: %s platform=%s last sign-in %s",
                                    AccountId.logId(head.accountId), head.platform, head.signedInAt);
                            return outbox.publish(BackupEvents.TOPIC, head.accountId, BackupEvents.STATUS_CHANGED,
                                    head.platform.name(), event);
                        })
                        .collect().asList().map(done -> heads.size()))))
                .call(changed -> countStale());
    }

    private Uni<Long> countStale() {
        return Panache.withSession(() -> Backup.count("status = ?1 and deletedAt is null",
                BackupStatus.sign_in_required)).invoke(metrics::staleBackups);
    }

    /**
     * Erases what retention no longer keeps: versions outside the newest {@code keep-versions} that are
     * older than {@code keep-for}, and deleted backups past their restore window. Crypto-shred: the wrapped
     * keys are destroyed and committed first, so even an interrupted purge leaves nothing decryptable;
     * the rows go in a second transaction. A purged backup's head stays, without versions, as a tombstone: its
     * version and revision go on growing if the account backs up again, so the projections that consumers keep
     * (which apply only a newer revision) take the new backup instead of ignoring it as old.
     */
    public Uni<Integer> purge() {
        OffsetDateTime now = BackupStore.now(clock);
        OffsetDateTime versionCutoff = now.minus(config.retention().keepFor());
        OffsetDateTime deletedCutoff = now.minus(config.retention().restoreWindow());
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session.createNativeQuery("""
                UPDATE backup_version v SET wrapped_key = NULL, kek_id = NULL, ciphertext = NULL, settings = NULL
                  FROM backup b
                 WHERE b.id = v.backup_id AND v.wrapped_key IS NOT NULL
                   AND ((b.deleted_at IS NULL AND v.version <= b.current_version - :keep AND v.created_at < :versionCutoff)
                        OR b.deleted_at < :deletedCutoff)""")
                        .setParameter("keep", config.retention().keepVersions())
                        .setParameter("versionCutoff", versionCutoff)
                        .setParameter("deletedCutoff", deletedCutoff)
                        .executeUpdate()))
                .flatMap(shredded -> Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session
                        .createNativeQuery("""
                                WITH gone AS (DELETE FROM backup_version WHERE wrapped_key IS NULL RETURNING backup_id)
                                SELECT count(*), count(DISTINCT g.backup_id) FILTER (WHERE b.deleted_at < :deletedCutoff)
                                  FROM gone g JOIN backup b ON b.id = g.backup_id""", Object[].class)
                        .setParameter("deletedCutoff", deletedCutoff).getSingleResult()
                        .flatMap(counts -> {
                            int versions = ((Number) counts[0]).intValue();
                            int backups = ((Number) counts[1]).intValue();
                            return session.createNativeQuery(
                                            "DELETE FROM release_authorization WHERE expires_at < :cutoff")
                                    .setParameter("cutoff", now.minusDays(1)).executeUpdate()
                                    .map(authorizations -> {
                                        if (versions + backups > 0) {
                                            LOG.infof("Purged %d versions (%d keys shredded) and %d deleted backups",
                                                    versions, shredded, backups);
                                        }
                                        metrics.purged("versions", versions);
                                        metrics.purged("backups", backups);
                                        return versions;
                                    });
                        }))));
    }

    /** Re-wraps data keys still under an older KEK with the current one; returns how many. */
    public Uni<Integer> rewrap() {
        return repeatWhileFull(() -> Panache.withTransaction(() -> BackupVersion
                .wrappedUnderOtherThan(keys.currentId(), batch())
                .flatMap(versions -> Multi.createFrom().iterable(versions)
                        .onItem().transformToUniAndConcatenate(version -> Backup.<Backup>findById(version.backupId)
                                .invoke(head -> {
                                    String context = KeyEncryptionKeys.context(head.accountId, head.platform,
                                            version.version);
                                    byte[] dataKey = keys.unwrap(new KeyEncryptionKeys.Wrapped(version.kekId,
                                            version.wrappedKey), context);
                                    KeyEncryptionKeys.Wrapped rewrapped = keys.wrap(dataKey, context);
                                    version.wrappedKey = rewrapped.bytes();
                                    version.kekId = rewrapped.kekId();
                                }))
                        .collect().asList().map(done -> versions.size()))))
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("Re-wrapped %d data keys under KEK %s", count, keys.currentId());
                    }
                });
    }

    private int batch() {
        return config.retention().batchSize();
    }

    /** Runs a batch step until a batch comes back short, summing what each handled. */
    private Uni<Integer> repeatWhileFull(Supplier<Uni<Integer>> step) {
        return step.get().flatMap(handled -> handled < batch() ? Uni.createFrom().item(handled)
                : repeatWhileFull(step).map(more -> handled + more));
    }
}
