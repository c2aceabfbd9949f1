package dev.authbackup.testsupport;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** What a service's {@code authbackup.events.delay} timer holds for one consumer and event type. */
public record EventDelays(long count, double seconds) {

    /** Now: how many events were applied, with how many seconds of delay in all (0 and 0 before the first). */
    public static EventDelays of(MeterRegistry registry, String consumer, String type) {
        Timer timer = registry.find("authbackup.events.delay").tags("consumer", consumer, "type", type).timer();
        return timer == null ? new EventDelays(0, 0) : new EventDelays(timer.count(), timer.totalTime(TimeUnit.SECONDS));
    }
}
