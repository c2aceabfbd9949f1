package dev.authbackup.verification.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The recovery-service events verification-service reads (its side of the contract on {@value #TOPIC}). */
public final class RecoveryEvents {

    public static final String TOPIC = "recovery.events";
    public static final String CHANNEL = "recovery-events";
    public static final String STARTED = "recovery.started.v1";
    public static final String COMPLETED = "recovery.completed.v1";
    public static final String EXPIRED = "recovery.expired.v1";
    public static final String CANCELLED = "recovery.cancelled.v1";

    /** The requirement of entries that need step-up verification. */
    public static final String VERIFICATION = "verification";

    private RecoveryEvents() {
    }

    /** An entry of a started recovery. */
    public record Entry(String ref, String kind, boolean pushEnabled, String requirement) {
    }

    /** recovery.started.v1 data. */
    public record Started(UUID recoveryId, String accountId, String platform, Integer backupVersion, String deviceId,
            Instant startedAt, Instant expiresAt, List<Entry> entries) {
    }

    /** completed, expired and cancelled all carry these. */
    public record Ended(UUID recoveryId, String accountId, String deviceId) {
    }
}
