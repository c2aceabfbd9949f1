package dev.authbackup.backup.messaging;

import java.time.Instant;
import java.util.List;

/** What backup-service announces on {@value #TOPIC}: types and their data. */
public final class BackupEvents {

    public static final String TOPIC = "backup.events";
    public static final String STORED = "backup.stored.v1";

    private BackupEvents() {
    }

    /** A manifest entry as events carry it: no secret, only what recovery needs to decide. */
    public record Entry(String ref, String kind, boolean pushEnabled, String fingerprint) {
    }

    /** A new version is current. */
    public record Stored(String accountId, String platform, int version, String status, Instant updatedAt,
            String deviceId, List<Entry> entries) {
    }
}
