package dev.authbackup.verification.domain;

import dev.authbackup.verification.rest.VerificationResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The counters a dashboard shows. Prometheus names: {@code authbackup_verifications_started_total{method}},
 * {@code authbackup_verifications_succeeded_total{method}}, {@code authbackup_verifications_failed_total{reason}},
 * {@code authbackup_codes_sent_total{channel,purpose}}, {@code authbackup_rate_limited_total{limit}}.
 */
@Startup
@ApplicationScoped
public class VerificationMetrics {

    private final MeterRegistry registry;

    public VerificationMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Registered at zero from the start, so dashboards and alerts see a series before the first event.
        for (VerificationResource.Method method : VerificationResource.Method.values()) {
            registry.counter("authbackup.verifications.started", "method", method.name());
            registry.counter("authbackup.verifications.succeeded", "method", method.name());
        }
        for (VerificationProblems.Limit limit : VerificationProblems.Limit.values()) {
            registry.counter("authbackup.rate_limited", "limit", limit.name());
        }
        for (String reason : new String[] {"invalid-code", "proof-mismatch", "invalid-activation-code", "burned",
                "expired"}) {
            registry.counter("authbackup.verifications.failed", "reason", reason);
        }
        for (String channel : new String[] {"email", "sms"}) {
            for (String purpose : new String[] {"step_up", "confirm_security_info"}) {
                registry.counter("authbackup.codes.sent", "channel", channel, "purpose", purpose);
            }
        }
    }

    public void started(String method) {
        registry.counter("authbackup.verifications.started", "method", method).increment();
    }

    public void succeeded(String method) {
        registry.counter("authbackup.verifications.succeeded", "method", method).increment();
    }

    /** reason: the problem type of the refusal (proof-mismatch, invalid-code, ...), or burned / expired. */
    public void failed(String reason) {
        registry.counter("authbackup.verifications.failed", "reason", reason).increment();
    }

    public void codeSent(String channel, String purpose) {
        registry.counter("authbackup.codes.sent", "channel", channel, "purpose", purpose).increment();
    }

    public void rateLimited(String limit) {
        registry.counter("authbackup.rate_limited", "limit", limit).increment();
    }
}
