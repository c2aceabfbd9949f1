package dev.authbackup.recovery.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of {@code POST /v1/recoveries}: the new device and the fingerprints of the accounts it already holds. */
public record BeginRecoveryRequest(
        @NotNull @Pattern(regexp = "ios|android", message = "must be ios or android") String platform,
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1-64 characters of [A-Za-z0-9._-]")
        String deviceId,
        // Required (an empty list when the device holds no accounts): without it the conflict check could
        // not run, and a recovery must never overwrite an account the device already holds.
        @NotNull(message = "must list the fingerprints of the accounts on the device (empty when there are none)")
        @Size(max = 1000) List<@NotNull @Pattern(regexp = "[0-9a-f]{64}",
                message = "must be 64 lowercase hex characters (HMAC-SHA256)") String> localFingerprints) {
}
