package dev.authbackup.backup.rest;

import java.time.Instant;
import java.util.List;

/** The account's fingerprint salt and a summary of its backups. */
public record BackupProfileResponse(String salt, List<Summary> backups) {

    public record Summary(String platform, int version, String status, Instant updatedAt, int entryCount) {
    }
}
