package dev.authbackup.notification.messaging;

import java.time.Instant;

/** verification-service's delivery requests on {@code verification.code-deliveries} (see docs/events.md). */
public final class CodeDeliveries {

    public static final String CHANNEL = "code-deliveries";
    public static final String CODE = "verification.code-delivery.v1";
    public static final String NOTICE = "verification.notice-delivery.v1";

    private CodeDeliveries() {
    }

    /** A one-time code to send to {@code to} over {@code channel} ({@code email} or {@code sms}). */
    public record Code(String deliveryId, String accountId, String channel, String to, String code, String purpose,
            Instant expiresAt) {
    }

    /** A notice without a code (security info added or removed), sent over an independent channel. */
    public record Notice(String deliveryId, String accountId, String channel, String to, String notice,
            String proofHint, Instant at) {
    }
}
