package dev.authbackup.testsupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a service's hop timer holds for one consumer and event type: {@code authbackup.events.delay} ({@link #of}) or
 * its Kafka leg {@code authbackup.events.transit} ({@link #transit}).
 */
public record EventDelays(long count, double seconds) {

    /**
     * An event type no service publishes, which consumers apply as a no-op: its delay series counts only what a test
     * sends, whatever else a local platform or a benchmark publishes meanwhile.
     */
    public static final String PROBE = "test.delay-probe.v1";

    /** Now: how many events were applied, with how many seconds of delay in all (0 and 0 before the first). */
    public static EventDelays of(MeterRegistry registry, String consumer, String type) {
        return read(registry, "authbackup.events.delay", consumer, type);
    }

    /** Now: how many records were taken from Kafka, with how many seconds of transit in all. */
    public static EventDelays transit(MeterRegistry registry, String consumer, String type) {
        return read(registry, "authbackup.events.transit", consumer, type);
    }

    private static EventDelays read(MeterRegistry registry, String name, String consumer, String type) {
        Timer timer = registry.find(name).tags("consumer", consumer, "type", type).timer();
        return timer == null ? new EventDelays(0, 0) : new EventDelays(timer.count(), timer.totalTime(TimeUnit.SECONDS));
    }

    /**
     * Shows that {@code consumer} (reading {@code topic}) measures each applied event's delay once, from its
     * {@code ce_time}: {@code send}s a probe that occurred a minute ago (say the relay was behind), a redelivered copy of
     * it and one more probe, then waits until two delays were counted and the count holds for half a second (the copy,
     * counted, would show within it), with at least that minute among them. Its Kafka leg
     * ({@code authbackup.events.transit}) counts all three records, each from its send: the minute before it is not
     * Kafka's (a consumer slow to start adds the same few seconds to both).
     */
    public static void assertMeasuredOncePerEvent(MeterRegistry registry, String consumer, String topic,
            Consumer<ProducerRecord<String, String>> send) {
        EventDelays before = of(registry, consumer, PROBE);
        EventDelays transitBefore = transit(registry, consumer, PROBE);
        String account = "delay-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        send.accept(TestKafka.occurredAt(TestKafka.cloudEvent(topic, account, id, PROBE, "{}"),
                Instant.now().minusSeconds(60)));
        send.accept(TestKafka.cloudEvent(topic, account, id, PROBE, "{}"));
        send.accept(TestKafka.cloudEvent(topic, account, PROBE, "{}"));
        await().atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(500))
                .until(() -> of(registry, consumer, PROBE).count() == before.count() + 2);
        double added = of(registry, consumer, PROBE).seconds() - before.seconds();
        assertTrue(added >= 60.0, "a minute of delay among the two events: " + added);
        EventDelays transitAfter = transit(registry, consumer, PROBE);
        assertEquals(transitBefore.count() + 3, transitAfter.count(), "transit counts every record, the copy too");
        double transitAdded = transitAfter.seconds() - transitBefore.seconds();
        assertTrue(transitAdded < added - 50.0, "the minute before the send is the relay's, not Kafka's: transit "
                + transitAdded + " s of " + added + " s of delay");
    }
}
