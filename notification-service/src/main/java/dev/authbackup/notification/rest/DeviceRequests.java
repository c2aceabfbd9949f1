package dev.authbackup.notification.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** Request bodies of the device endpoints. */
public final class DeviceRequests {

    /** What a deviceId may be: 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public static final String DEVICE_ID = "[A-Za-z0-9._-]{1,64}";

    private DeviceRequests() {
    }

    public enum PushProvider {
        apns, fcm
    }

    /** A push key with its proof of possession: a signature over the provisioning nonce. */
    public record RegisterPushKey(@NotNull UUID recoveryId, @NotBlank @Size(max = 128) String entryRef,
            @NotBlank @Size(max = 1024) String publicKey, @NotBlank @Size(max = 1024) String signature,
            @NotNull PushProvider pushProvider, @NotBlank @Size(max = 4096) String pushToken) {
    }

    public record IssueCredential(@NotNull UUID recoveryId, @NotBlank @Size(max = 128) String entryRef) {
    }

    public record VerifyCode(@NotNull @Pattern(regexp = "\\d{6,8}", message = "must be 6 to 8 digits") String code) {
    }

    /** A device's answer to a sign-in approval, signed over the challenge by one of its keys. */
    public record RespondToApproval(@NotNull @Pattern(regexp = DEVICE_ID) String deviceId, @NotNull UUID keyId,
            @NotNull Boolean approve, @NotBlank @Size(max = 1024) String signature) {
    }
}
