package dev.authbackup.backup.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What backup-service announces on {@value #TOPIC}: types and their data (see docs/events.md). */
public final class BackupEvents {

    public static final String TOPIC = "backup.events";
    public static final String STORED = "backup.stored.v1";
    public static final String DELETED = "backup.deleted.v1";
    public static final String RESTORED = "backup.restored.v1";
    public static final String STATUS_CHANGED = "backup.status-changed.v1";
    public static final String RELEASED = "backup.released.v1";

    private BackupEvents() {
    }

    /** A manifest entry as events carry it: no secret, only what recovery needs to decide. */
    public record Entry(String ref, String kind, boolean pushEnabled, String fingerprint) {
    }

    /** A new version is current; {@code restoredFrom} names the old version it copies, if any. */
    public record Stored(String accountId, String platform, int version, long revision, String status,
            Instant updatedAt, String deviceId, List<Entry> entries, Integer restoredFrom) {
    }

    /** The backup was soft-deleted; it can be undeleted until {@code restorableUntil}. */
    public record Deleted(String accountId, String platform, int version, long revision, Instant deletedAt,
            Instant restorableUntil) {
    }

    /** A soft-deleted backup is live again, as it was. */
    public record Restored(String accountId, String platform, int version, long revision, String status,
            Instant updatedAt, String deviceId, List<Entry> entries) {
    }

    /** The backup's status changed without a new version (it went out of date). */
    public record StatusChanged(String accountId, String platform, int version, long revision, String status,
            String previousStatus, Instant changedAt) {
    }

    /** A version's ciphertext and data key went to the device of a recovery. */
    public record Released(String accountId, UUID recoveryId, String platform, int version, String deviceId,
            Instant releasedAt) {
    }
}
