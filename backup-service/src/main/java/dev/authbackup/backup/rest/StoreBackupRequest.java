package dev.authbackup.backup.rest;

import dev.authbackup.backup.domain.EntryKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of {@code PUT /v1/backups/{platform}}. Binary values are standard base64. */
public record StoreBackupRequest(
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1-64 characters of [A-Za-z0-9._-]")
        String deviceId,
        @NotBlank @Size(max = 100) String deviceName,
        @NotBlank String ciphertext,
        @NotBlank String dataKey,
        @NotNull @Valid Manifest manifest,
        String settings) {

    /** The cleartext index of the backup: nothing in it is secret. */
    public record Manifest(@NotNull List<@NotNull @Valid Entry> entries) {
    }

    public record Entry(
            @NotBlank @Size(max = 64) String ref,
            @NotNull EntryKind kind,
            @NotNull Boolean pushEnabled,
            @NotNull @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex characters (HMAC-SHA256)")
            String fingerprint) {
    }
}
