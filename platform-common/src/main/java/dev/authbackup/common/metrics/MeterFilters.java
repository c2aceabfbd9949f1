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
 * Metric settings every service shares: an {@code application} tag naming the service, and latency
 * buckets on HTTP requests so that dashboards and alerts can compute percentiles across replicas.
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
