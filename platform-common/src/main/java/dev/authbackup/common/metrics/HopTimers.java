package dev.authbackup.common.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The timers of an event's hop between services, with one set of buckets so that they compare on a dashboard:
 * {@code authbackup.outbox.relay.delay} (state change to the broker's acknowledgement, producing side),
 * {@code authbackup.events.transit} (send to Kafka until the consumer took the record) and
 * {@code authbackup.events.delay} (state change until the consumer's effect was written: the whole hop). The legs
 * overlap by the producer's send until Kafka's ack (the record's timestamp is taken at the send), and percentiles of
 * different timers do not add up: they show where the time goes, roughly.
 */
public final class HopTimers {

    /**
     * A hop takes milliseconds when all is well, seconds to minutes while a part is down. Fine below 250 ms, where
     * the saga's goal lies (p99 200 ms over five hops), so that a histogram can tell a 30 ms hop from a 90 ms one.
     */
    private static final Duration[] BUCKETS = Stream.of(1, 2, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 250,
            500, 1000, 2500, 5000, 10000, 30000, 60000, 300000).map(Duration::ofMillis).toArray(Duration[]::new);

    private HopTimers() {
    }

    /** A hop timer called {@code name}, with the shared buckets. */
    public static Timer.Builder builder(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
    }

    /** Records {@code elapsed}; a negative one (two hosts' clocks apart) counts as no time. */
    public static void record(Timer timer, Duration elapsed) {
        timer.record(elapsed.isNegative() ? Duration.ZERO : elapsed);
    }
}
