package dev.authbackup.verification.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.verification.config.VerificationConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The request path's Redis: answered on an event loop (through the loop's own pool, reported under the loop's name)
 * and off it (the extension's client); a pooled connection that Redis closed is replaced; a Redis that accepts but
 * never answers fails the command after the timeout instead of holding the request.
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class EventLoopRedisTest {

    @Inject
    EventLoopRedis redis;

    @Inject
    RedisDataSource direct;

    @Inject
    Vertx vertx;

    @Inject
    ReactiveRedisDataSource shared;

    @Inject
    VerificationConfig config;

    @Inject
    MeterRegistry metrics;

    /** What {@code work} gives when run on {@code loop}, within 10 s; its failure as the cause of an exception. */
    private static <T> T on(Context loop, Supplier<Uni<T>> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(ignored -> work.get().subscribe().with(result::complete, result::completeExceptionally));
        return result.get(10, TimeUnit.SECONDS);
    }

    private Context anEventLoop() {
        Context loop = vertx.getDelegate().getOrCreateContext();
        assertTrue(loop.isEventLoopContext());
        return loop;
    }

    @Test
    void answersOnAnEventLoopAndOffIt() throws Exception {
        assertEquals("PONG", on(anEventLoop(), () -> redis.execute("PING")).toString());
        assertEquals("PONG", redis.execute("PING").await().atMost(Duration.ofSeconds(10)).toString());
    }

    /** Each loop's pool reports under its loop's thread name, the same after a restart; never a random one. */
    @Test
    void aLoopsPoolIsNamedAfterItsLoopInTheMetrics() throws Exception {
        Context loop = anEventLoop();
        on(loop, () -> redis.execute("PING"));
        String loops = "vert.x-eventloop-thread-";
        String thread = on(loop, () -> Uni.createFrom().item(Thread.currentThread().getName()));
        assertTrue(thread.startsWith(loops), thread);
        assertNotNull(metrics.find("redis.pool.idle").tag("pool.name", thread).gauge(), "no pool named " + thread);
        List<String> names = metrics.find("redis.pool.idle").gauges().stream()
                .map(gauge -> gauge.getId().getTag("pool.name")).toList();
        assertTrue(names.stream().allMatch(name -> "<default>".equals(name) || name.startsWith(loops)), names.toString());
    }

    @Test
    void aConnectionThatRedisClosedIsReplaced() throws Exception {
        Context loop = anEventLoop();
        String key = "verification:test:event-loop-redis";
        on(loop, () -> redis.execute("SET", key, "before"));
        // Redis closes the connection of the loop's pool that answers this (and no other client's).
        String id = on(loop, () -> redis.execute("CLIENT", "ID")).toString();
        assertEquals(1, direct.execute("CLIENT", "KILL", "ID", id).toLong());
        // The pool learns of the close and opens a new connection: the loop's next commands are answered (a command
        // that met the closing connection may fail first).
        String answer = await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(() -> on(loop, () -> redis.execute("GET", key)).toString(), Objects::nonNull);
        assertEquals("before", answer);
        assertEquals("after", on(loop, () -> redis.execute("SET", key, "after")
                .chain(() -> redis.execute("GET", key))).toString());
        direct.execute("DEL", key);
    }

    @Test
    void aRedisThatNeverAnswersFailsTheCommandAfterTheTimeout() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread holder = new Thread(() -> {
                try (Socket held = silent.accept()) { // accepted, never answered, held open until the test is over
                    testOver.await();
                } catch (Exception ignored) {
                    // the test is over
                }
            });
            holder.setDaemon(true);
            holder.start();
            EventLoopRedis toSilence = new EventLoopRedis(vertx, shared,
                    List.of("redis://127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(500), 24, config);
            try {
                long started = System.nanoTime();
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> on(anEventLoop(), () -> toSilence.execute("PING")));
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertInstanceOf(TimeoutException.class, failed.getCause());
                assertTrue(tookMillis >= 450 && tookMillis < 5_000, "failed after " + tookMillis + " ms");
            } finally {
                testOver.countDown();
                toSilence.close();
            }
        }
    }
}
