package dev.authbackup.backup.rest;

import dev.authbackup.backup.messaging.BackupEvents;
import java.util.List;

/** What a recovering device downloads: the ciphertext, its data key, the manifest and the settings blob. */
public record BackupContent(int version, String ciphertext, String dataKey, Manifest manifest, String settings) {

    public record Manifest(List<BackupEvents.Entry> entries) {
    }
}
