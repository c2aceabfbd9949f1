package dev.authbackup.notification.domain;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * notification-service's business metrics. Refusals by reason are {@code authbackup_problems_total}
 * (every service counts its problem answers by type).
 */
@ApplicationScoped
public class NotificationMetrics {

    private final MeterRegistry registry;

    public NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A code or notice handed to the SMTP server or SMS gateway. */
    public void deliverySent(String channel) {
        registry.counter("authbackup.deliveries.sent", "channel", channel).increment();
    }

    /** A delivery given up on (dead-lettered after its retries, or refused by the gateway for good). */
    public void deliveryFailed(String channel) {
        registry.counter("authbackup.deliveries.failed", "channel", channel).increment();
    }

    /** A push key or device credential registered; {@code kind} is push_key or device_credential. */
    public void registered(String kind) {
        registry.counter("authbackup.devices.registrations", "kind", kind).increment();
    }

    public void authorization(String kind, String change) {
        registry.counter("authbackup.provisioning.authorizations", "kind", kind, "change", change).increment();
    }

    public void codeVerified(boolean valid) {
        registry.counter("authbackup.codes.verified", "outcome", valid ? "valid" : "invalid").increment();
    }

    /** A push approval's lifecycle: created, approved, denied. */
    public void approval(String outcome) {
        registry.counter("authbackup.approvals", "outcome", outcome).increment();
    }

    public void push(String provider, String outcome) {
        registry.counter("authbackup.pushes", "provider", provider, "outcome", outcome).increment();
    }

    public void devicesRevoked() {
        registry.counter("authbackup.devices.revoked").increment();
    }
}
