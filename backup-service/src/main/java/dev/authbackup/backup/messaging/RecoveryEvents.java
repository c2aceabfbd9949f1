package dev.authbackup.backup.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The recovery-service events backup-service consumes (from {@code recovery.events}). */
public final class RecoveryEvents {

    public static final String CHANNEL = "recovery-events";
    public static final String STARTED = "recovery.started.v1";
    public static final String COMPLETED = "recovery.completed.v1";
    public static final String EXPIRED = "recovery.expired.v1";
    public static final String CANCELLED = "recovery.cancelled.v1";

    private RecoveryEvents() {
    }

    /** A recovery began: the device may download that version. Entries are not needed here. */
    public record Started(UUID recoveryId, String accountId, String platform, Integer backupVersion, String deviceId,
            Instant startedAt, List<Object> entries) {
    }

    /** A recovery ended (completed, expired or cancelled): its release authorisation ends too. */
    public record Ended(UUID recoveryId, String accountId) {
    }
}
