package dev.authbackup.testsupport;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What a service's {@code authbackup.events.delay} timer holds for one consumer and event type. */
public record EventDelays(long count, double seconds) {

    /**
     * An event type no service publishes, which consumers apply as a no-op: its delay series counts only what a test
     * sends, whatever else a local platform or a benchmark publishes meanwhile.
     */
    public static final String PROBE = "test.delay-probe.v1";

    /** Now: how many events were applied, with how many seconds of delay in all (0 and 0 before the first). */
    public static EventDelays of(MeterRegistry registry, String consumer, String type) {
        Timer timer = registry.find("authbackup.events.delay").tags("consumer", consumer, "type", type).timer();
        return timer == null ? new EventDelays(0, 0) : new EventDelays(timer.count(), timer.totalTime(TimeUnit.SECONDS));
    }

    /**
     * Waits until {@code more} events of the {@link #PROBE} type were counted since this, and the count stays there for
     * half a second (one more, a redelivered copy counted, would show within it); answers the timer then.
     */
    public EventDelays awaitMore(MeterRegistry registry, String consumer, int more) {
        await().atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(500))
                .until(() -> of(registry, consumer, PROBE).count() == count + more);
        return of(registry, consumer, PROBE);
    }
}
