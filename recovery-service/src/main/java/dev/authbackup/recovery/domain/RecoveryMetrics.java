package dev.authbackup.recovery.domain;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * recovery-service's funnel metrics: started, released, verified, completed, expired, cancelled, time to
 * complete and entry transitions. Refusals by reason are {@code authbackup_problems_total}.
 */
@Startup
@ApplicationScoped
public class RecoveryMetrics {

    private final MeterRegistry registry;
    private final Timer duration;

    public RecoveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duration = Timer.builder("authbackup.recoveries.duration")
                .description("Time from the start of a recovery to its completion")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(24))
                .register(registry);
    }

    /** A recovery reached a step of the funnel: started, released, completed, expired or cancelled. */
    void step(String step, String platform) {
        registry.counter("authbackup.recoveries", "step", step, "platform", platform).increment();
    }

    void completed(String platform, Duration took) {
        step("completed", platform);
        duration.record(took);
    }

    /** An entry moved to {@code state}. */
    void entry(EntryState state, Requirement requirement) {
        registry.counter("authbackup.recovery.entries", "state", state.name(), "requirement", requirement.name())
                .increment();
    }

    /** A saga event that changed nothing (unknown, finished, other device, duplicate step). */
    void ignored(String type, String reason) {
        registry.counter("authbackup.recovery.events.ignored", "type", type, "reason", reason).increment();
    }
}
