package dev.authbackup.backup.domain;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * backup-service's business metrics. Rejections by reason are {@code authbackup_problems_total}
 * (every service counts its problem answers by type).
 */
@Startup
@ApplicationScoped
public class BackupMetrics {

    private final MeterRegistry registry;
    private final DistributionSummary uploadSize;
    private final AtomicLong stale = new AtomicLong();

    public BackupMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.uploadSize = DistributionSummary.builder("authbackup.backups.upload.size")
                .description("Decoded ciphertext size of stored uploads")
                .baseUnit("bytes")
                .serviceLevelObjectives(4096, 16384, 65536, 131072, 262144)
                .register(registry);
        registry.gauge("authbackup.backups.stale", stale);
    }

    /** A stored upload: {@code outcome} is created, updated or replayed (a harmless retry). */
    void stored(Platform platform, String outcome, int ciphertextBytes) {
        registry.counter("authbackup.backups.stored", "platform", platform.name(), "outcome", outcome).increment();
        if (!"replayed".equals(outcome)) {
            uploadSize.record(ciphertextBytes);
        }
    }

    void lifecycle(Platform platform, String change) {
        registry.counter("authbackup.backups.lifecycle", "platform", platform.name(), "change", change).increment();
    }

    void released(Platform platform) {
        registry.counter("authbackup.backups.released", "platform", platform.name()).increment();
    }

    void purged(String what, long count) {
        registry.counter("authbackup.backups.purged", "what", what).increment(count);
    }

    void staleBackups(long count) {
        stale.set(count);
    }
}
