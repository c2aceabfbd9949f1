package dev.authbackup.recovery.messaging;

import java.time.Instant;
import java.util.List;

/** The backup-service events recovery-service reads (its side of the contract on {@value #TOPIC}). */
public final class BackupEvents {

    public static final String TOPIC = "backup.events";
    public static final String CHANNEL = "backup-events";
    public static final String STORED = "backup.stored.v1";
    public static final String DELETED = "backup.deleted.v1";
    public static final String RESTORED = "backup.restored.v1";
    public static final String STATUS_CHANGED = "backup.status-changed.v1";

    private BackupEvents() {
    }

    public record Entry(String ref, String kind, boolean pushEnabled, String fingerprint) {
    }

    /** {@code backup.stored.v1} and {@code backup.restored.v1}: the backup as it now is. */
    public record Stored(String accountId, String platform, Integer version, Long revision, String status,
            Instant updatedAt, String deviceId, List<Entry> entries) {
    }

    /** {@code backup.deleted.v1}. */
    public record Deleted(String accountId, String platform, Long revision) {
    }

    /** {@code backup.status-changed.v1}. */
    public record StatusChanged(String accountId, String platform, Long revision, String status) {
    }
}
