package dev.authbackup.recovery.messaging;

import java.time.Instant;
import java.util.List;

/** The backup-service events recovery-service reads (its side of the contract on {@value #TOPIC}). */
public final class BackupEvents {

    public static final String TOPIC = "backup.events";
    public static final String CHANNEL = "backup-events";
    public static final String STORED = "backup.stored.v1";

    private BackupEvents() {
    }

    public record Entry(String ref, String kind, boolean pushEnabled, String fingerprint) {
    }

    public record Stored(String accountId, String platform, int version, String status, Instant updatedAt,
            String deviceId, List<Entry> entries) {
    }
}
