package dev.authbackup.notification.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The recovery-service events notification-service consumes (from {@code recovery.events}). */
public final class RecoveryEvents {

    public static final String CHANNEL = "recovery-events";
    public static final String STARTED = "recovery.started.v1";
    public static final String PUSH_KEY_AUTHORIZED = "recovery.push-key-authorized.v1";
    public static final String COMPLETED = "recovery.completed.v1";
    public static final String EXPIRED = "recovery.expired.v1";
    public static final String CANCELLED = "recovery.cancelled.v1";

    private RecoveryEvents() {
    }

    public record Entry(String ref, String kind, boolean pushEnabled, String requirement) {
    }

    public record Started(UUID recoveryId, String accountId, String deviceId, Instant startedAt, Instant expiresAt,
            List<Entry> entries) {
    }

    public record PushKeyAuthorized(UUID recoveryId, String accountId, String entryRef, String deviceId,
            Instant expiresAt) {
    }

    /** Completed, expired or cancelled: whatever the recovery authorised and was not used ends. */
    public record Ended(UUID recoveryId, String accountId) {
    }
}
