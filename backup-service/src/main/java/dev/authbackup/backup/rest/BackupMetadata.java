package dev.authbackup.backup.rest;

import java.time.Instant;
import java.util.List;

/** A backup as the app sees it without its content. */
public record BackupMetadata(String platform, int version, String status, Instant updatedAt, String deviceId,
        String deviceName, int entryCount, List<Entry> entries) {

    public record Entry(String ref, String kind, boolean pushEnabled) {
    }
}
