package dev.authbackup.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.mutiny.Uni;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** How a consumer's transaction is tried again: a store outage is waited out, other failures are bounded. */
class ConsumerRetriesTest {

    private static final Duration FAST = Duration.ofMillis(1);

    /** Runs {@code outcome} for attempt 1, 2, ... through the consumer's retry policy; answers the attempts made. */
    private static int attempts(IntFunction<RuntimeException> outcome) {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> attempt = Uni.createFrom().item(() -> {
            RuntimeException failure = outcome.apply(attempts.incrementAndGet());
            if (failure != null) {
                throw failure;
            }
            return "applied";
        });
        try {
            assertEquals("applied", IdempotentConsumer.retried(attempt, FAST).await().atMost(Duration.ofSeconds(30)));
        } catch (RuntimeException e) {
            throw new GaveUp(attempts.get(), e);
        }
        return attempts.get();
    }

    private static final class GaveUp extends RuntimeException {
        final int attempts;

        GaveUp(int attempts, RuntimeException cause) {
            super(cause);
            this.attempts = attempts;
        }
    }

    private static RuntimeException outage() {
        // As the reactive PostgreSQL client reports a refused connection while the server restarts.
        return new IllegalStateException("connect failed", new ConnectException("Connection refused"));
    }

    @Test
    void aStoreOutageIsWaitedOutBeyondTheRetriesOfOtherFailures() {
        assertEquals(9, attempts(n -> n <= 8 ? outage() : null)); // more than RETRIES + 1
    }

    @Test
    void otherFailuresAreTriedAgainABoundedNumberOfTimes() {
        assertEquals(3, attempts(n -> n <= 2 ? new IllegalStateException("deadlock") : null));
        GaveUp gaveUp = assertThrows(GaveUp.class, () -> attempts(n -> new IllegalStateException("a bug")));
        assertEquals(IdempotentConsumer.RETRIES + 1, gaveUp.attempts);
    }

    @Test
    void aPoisonEventIsNotTriedAgain() {
        GaveUp gaveUp = assertThrows(GaveUp.class, () -> attempts(n -> new PoisonEventException("not JSON")));
        assertEquals(1, gaveUp.attempts);
    }
}
