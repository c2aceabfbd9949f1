package dev.authbackup.common.metrics;

import dev.authbackup.common.config.PlatformConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Metric settings every service shares: an {@code application} tag naming the service, latency buckets on HTTP
 * requests so that dashboards and alerts can compute percentiles across replicas, and no per-connection SQL gauges.
 */
@Singleton
public class MeterFilters {

    /** Few, fixed buckets (5 ms to 10 s): percentiles per route without a histogram per power of two. */
    private static final double[] HTTP_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000)
            .mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

    @Produces
    @Singleton
    MeterFilter applicationTag(PlatformConfig config) {
        return MeterFilter.commonTags(List.of(Tag.of("application", config.serviceName())));
    }

    /**
     * Drops the SQL client's two gauges, {@code postgresql.queue.size} and {@code postgresql.current}. Vert.x makes
     * their meters once per database connection, all with the same name and tags ({@code clientName=<default>,
     * clientType=sql}): the first connection's gauges were kept, every later connection's were refused with a WARN at
     * start-up, so the exported values counted one connection of the pool's up to 20. The pool's own gauges
     * ({@code sql_pool_queue_size}, {@code sql_pool_active}, {@code sql_pool_idle}) count them all; the SQL client's
     * counters and timers ({@code postgresql_completed_total}, {@code postgresql_processing_seconds}) are shared by all
     * connections and stay.
     */
    @Produces
    @Singleton
    MeterFilter noPerConnectionSqlGauges() {
        return MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && "sql".equals(id.getTag("clientType"))
                && (id.getName().endsWith(".queue.size") || id.getName().endsWith(".current")));
    }

    @Produces
    @Singleton
    MeterFilter httpLatencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!"http.server.requests".equals(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(HTTP_BUCKETS).build()
                        .merge(config);
            }
        };
    }
}
