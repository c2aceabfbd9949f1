package dev.authbackup.recovery.messaging;

import java.util.UUID;

/** The other services' events that move a recovery forward (their side of the contract). */
public final class SagaEvents {

    public static final String VERIFICATION_CHANNEL = "verification-events";
    public static final String DEVICE_CHANNEL = "device-events";
    public static final String RELEASED = "backup.released.v1";
    public static final String VERIFICATION_SUCCEEDED = "verification.succeeded.v1";
    public static final String PUSH_KEY_REGISTERED = "device.push-key-registered.v1";
    public static final String CREDENTIAL_ISSUED = "device.credential-issued.v1";

    private SagaEvents() {
    }

    /** {@code backup.released.v1}: the device downloaded the backup. */
    public record Released(String accountId, UUID recoveryId, String platform, Integer version, String deviceId) {
    }

    /** A step that concerns one entry on one device: verified, push key registered, credential issued. */
    public record EntryStep(String accountId, UUID recoveryId, String entryRef, String deviceId) {
    }
}
