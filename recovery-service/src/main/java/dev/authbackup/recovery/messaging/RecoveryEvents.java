package dev.authbackup.recovery.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What recovery-service announces on {@value #TOPIC} (see docs/events.md). */
public final class RecoveryEvents {

    public static final String TOPIC = "recovery.events";
    public static final String STARTED = "recovery.started.v1";
    public static final String PUSH_KEY_AUTHORIZED = "recovery.push-key-authorized.v1";
    public static final String COMPLETED = "recovery.completed.v1";
    public static final String EXPIRED = "recovery.expired.v1";
    public static final String CANCELLED = "recovery.cancelled.v1";

    private RecoveryEvents() {
    }

    public record Entry(String ref, String kind, boolean pushEnabled, String requirement) {
    }

    public record Started(UUID recoveryId, String accountId, String platform, int backupVersion, String deviceId,
            Instant startedAt, Instant expiresAt, List<Entry> entries) {
    }

    public record PushKeyAuthorized(UUID recoveryId, String accountId, String entryRef, String deviceId,
            Instant expiresAt) {
    }

    public record Completed(UUID recoveryId, String accountId, String deviceId, Instant completedAt,
            long durationMs) {
    }

    public record Expired(UUID recoveryId, String accountId, String deviceId, Instant expiredAt) {
    }

    public record Cancelled(UUID recoveryId, String accountId, String deviceId, Instant cancelledAt) {
    }
}
