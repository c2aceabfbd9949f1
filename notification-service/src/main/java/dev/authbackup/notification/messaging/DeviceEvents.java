package dev.authbackup.notification.messaging;

import java.time.Instant;
import java.util.UUID;

/** What notification-service announces on {@value #TOPIC} (see docs/events.md). */
public final class DeviceEvents {

    public static final String TOPIC = "device.events";
    public static final String PUSH_KEY_REGISTERED = "device.push-key-registered.v1";
    public static final String CREDENTIAL_ISSUED = "device.credential-issued.v1";
    public static final String REVOKED = "device.revoked.v1";

    private DeviceEvents() {
    }

    public record PushKeyRegistered(String accountId, UUID recoveryId, String entryRef, String deviceId, UUID keyId,
            String pushProvider, Instant registeredAt) {
    }

    public record CredentialIssued(String accountId, UUID recoveryId, String entryRef, String deviceId,
            UUID credentialId, Instant issuedAt) {
    }

    public record Revoked(String accountId, String deviceId, Instant revokedAt) {
    }
}
