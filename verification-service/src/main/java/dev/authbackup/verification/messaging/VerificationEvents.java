package dev.authbackup.verification.messaging;

import java.time.Instant;
import java.util.UUID;

/** The events verification-service emits (docs/events.md), their topics and types. */
public final class VerificationEvents {

    public static final String TOPIC = "verification.events";
    /** One-time codes in flight: read by notification-service alone, short retention. */
    public static final String DELIVERY_TOPIC = "verification.code-deliveries";

    public static final String SUCCEEDED = "verification.succeeded.v1";
    public static final String FAILED = "verification.failed.v1";
    public static final String SECURITY_INFO_CHANGED = "verification.security-info-changed.v1";
    public static final String CODE_DELIVERY = "verification.code-delivery.v1";
    public static final String NOTICE_DELIVERY = "verification.notice-delivery.v1";

    private VerificationEvents() {
    }

    /** verification.succeeded.v1 data. */
    public record Succeeded(UUID verificationId, UUID recoveryId, String accountId, String entryRef, String deviceId,
            String method, Instant verifiedAt) {
    }

    /** verification.failed.v1 data; reason: burned | expired. */
    public record Failed(UUID verificationId, UUID recoveryId, String accountId, String entryRef, String deviceId,
            String reason, Instant at) {
    }

    /** verification.security-info-changed.v1 data; change: added | confirmed | removed. No value, no hint. */
    public record SecurityInfoChanged(String accountId, UUID proofId, String type, String change, Instant at) {
    }

    /** verification.code-delivery.v1 data; channel: email | sms; purpose: confirm_security_info | step_up. Carries the code: delivery topic only. */
    public record CodeDelivery(UUID deliveryId, String accountId, String channel, String to, String code,
            String purpose, Instant expiresAt) {
    }

    /** verification.notice-delivery.v1 data; notice: security_info_added | security_info_removed; no code. */
    public record NoticeDelivery(UUID deliveryId, String accountId, String channel, String to, String notice,
            String proofHint, Instant at) {
    }
}
