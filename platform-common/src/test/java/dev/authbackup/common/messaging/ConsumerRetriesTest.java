package dev.authbackup.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
    void everyAttemptRunsOnTheConsumersVertxContext() throws Exception {
        // A back-off's timer fires on a worker thread; a Hibernate Reactive session opens only on a Vert.x context.
        Vertx vertx = Vertx.vertx();
        try {
            Context context = vertx.getOrCreateContext();
            List<Context> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<String> done = new CompletableFuture<>();
            Uni<String> attempt = Uni.createFrom().item(() -> {
                seen.add(Vertx.currentContext());
                if (seen.size() <= 3) {
                    throw seen.size() == 1 ? outage() : new IllegalStateException("a deadlock");
                }
                return "applied";
            });
            context.runOnContext(ignored -> IdempotentConsumer.retried(attempt, FAST)
                    .subscribe().with(done::complete, done::completeExceptionally));
            assertEquals("applied", done.get(30, TimeUnit.SECONDS));
            assertEquals(4, seen.size());
            // On a Vert.x event-loop context each time (a duplicate of the consumer's, whose local data a new
            // transaction does not need), not on the worker thread the back-off's timer fired on.
            seen.forEach(each -> assertTrue(each != null && each.isEventLoopContext(), "an attempt ran off a context"));
            assertSame(context, seen.get(0));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPoisonEventIsNotTriedAgain() {
        GaveUp gaveUp = assertThrows(GaveUp.class, () -> attempts(n -> new PoisonEventException("not JSON")));
        assertEquals(1, gaveUp.attempts);
    }
}
