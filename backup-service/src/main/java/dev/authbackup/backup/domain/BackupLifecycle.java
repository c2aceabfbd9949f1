package dev.authbackup.backup.domain;

import dev.authbackup.backup.config.BackupConfig;
import dev.authbackup.backup.messaging.BackupEvents;
import dev.authbackup.backup.rest.BackupMetadata;
import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.security.AccountId;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.jboss.logging.Logger;

/** Soft delete, undelete within the restore window, and making an old version current again. */
@ApplicationScoped
public class BackupLifecycle {

    private static final Logger LOG = Logger.getLogger(BackupLifecycle.class);

    private final BackupStore store;
    private final KeyEncryptionKeys keys;
    private final Outbox outbox;
    private final BackupConfig config;
    private final BackupMetrics metrics;
    private final Clock clock;

    public BackupLifecycle(BackupStore store, KeyEncryptionKeys keys, Outbox outbox, BackupConfig config,
            BackupMetrics metrics, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Soft-deletes the live backup: it leaves status and recovery at once and stays restorable for the
     * restore window. Deleting it again within the window changes nothing (a retried request).
     */
    @WithTransaction
    public Uni<Void> delete(AccountId account, Platform platform) {
        return Backup.lockFor(account.value(), platform).flatMap(head -> {
            OffsetDateTime now = BackupStore.now(clock);
            if (head == null || head.deletedAt != null && !restorable(head, now)) {
                throw BackupProblems.noBackup(platform);
            }
            if (head.deletedAt != null) {
                return Uni.createFrom().voidItem();
            }
            head.deletedAt = now;
            head.revision++;
            BackupEvents.Deleted event = new BackupEvents.Deleted(head.accountId, platform.name(),
                    head.currentVersion, head.revision, now.toInstant(),
                    now.plus(config.retention().restoreWindow()).toInstant());
            return outbox.publish(BackupEvents.TOPIC, head.accountId, BackupEvents.DELETED, platform.name(), event)
                    .invoke(id -> {
                        metrics.lifecycle(platform, "deleted");
                        LOG.infof("Backup deleted: %s platform=%s version=%d event=%s", account.logId(), platform,
                                head.currentVersion, id);
                    })
                    .replaceWithVoid();
        });
    }

    /** Undoes a delete within the restore window; a live backup is answered as it is (a retried undo). */
    @WithTransaction
    public Uni<BackupMetadata> undelete(AccountId account, Platform platform) {
        return Backup.lockFor(account.value(), platform).flatMap(head -> {
            OffsetDateTime now = BackupStore.now(clock);
            if (head == null || head.deletedAt != null && !restorable(head, now)) {
                throw BackupProblems.noBackup(platform);
            }
            Uni<BackupVersion> current = BackupVersion.find(head.id, head.currentVersion);
            if (head.deletedAt == null) {
                return current.map(version -> store.metadata(head, version));
            }
            head.deletedAt = null;
            head.revision++;
            return current.flatMap(version -> {
                List<BackupEvents.Entry> entries = store.entries(version);
                BackupEvents.Restored event = new BackupEvents.Restored(head.accountId, platform.name(),
                        head.currentVersion, head.revision, head.status.name(), head.updatedAt.toInstant(),
                        version.deviceId, entries);
                return outbox.publish(BackupEvents.TOPIC, head.accountId, BackupEvents.RESTORED, platform.name(),
                        event).map(id -> {
                            metrics.lifecycle(platform, "undeleted");
                            LOG.infof("Backup undeleted: %s platform=%s version=%d event=%s", account.logId(),
                                    platform, head.currentVersion, id);
                            return store.metadata(head, version, entries);
                        });
            });
        });
    }

    /**
     * Makes a kept version current again as a new version with its content. Restoring the version that is
     * current already changes nothing. {@code expectedVersion}, when given, must be the current version.
     */
    @WithTransaction
    public Uni<BackupMetadata> restoreVersion(AccountId account, Platform platform, int version,
            Integer expectedVersion) {
        return Backup.lockFor(account.value(), platform).flatMap(head -> {
            if (head == null || head.deletedAt != null) {
                throw BackupProblems.noBackup(platform);
            }
            if (expectedVersion != null && expectedVersion != head.currentVersion) {
                throw BackupProblems.staleVersion(head.currentVersion);
            }
            return BackupVersion.find(head.id, version).flatMap(old -> {
                if (old == null) {
                    throw BackupProblems.versionNotFound(version);
                }
                if (version == head.currentVersion) {
                    return Uni.createFrom().item(store.metadata(head, old));
                }
                byte[] dataKey = keys.unwrap(new KeyEncryptionKeys.Wrapped(old.kekId, old.wrappedKey),
                        KeyEncryptionKeys.context(head.accountId, platform, old.version));
                BackupVersion copy = new BackupVersion();
                copy.deviceId = old.deviceId;
                copy.deviceName = old.deviceName;
                copy.ciphertext = old.ciphertext;
                copy.manifest = old.manifest;
                copy.settings = old.settings;
                copy.entryCount = old.entryCount;
                copy.contentHash = old.contentHash;
                copy.restoredFrom = old.version;
                return store.commitVersion(head, false, copy, dataKey, BackupStore.now(clock))
                        .invoke(() -> metrics.lifecycle(platform, "version_restored"));
            });
        });
    }

    private boolean restorable(Backup head, OffsetDateTime now) {
        return head.deletedAt.plus(config.retention().restoreWindow()).isAfter(now);
    }
}
