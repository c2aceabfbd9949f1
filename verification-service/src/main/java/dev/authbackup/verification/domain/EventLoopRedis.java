package dev.authbackup.verification.domain;

import dev.authbackup.verification.config.VerificationConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Redis for the request path: each Vert.x event loop sends its commands through a connection pool of its own.
 *
 * <p>The Redis client of the Quarkus extension opens all of its pooled connections on the one event loop it was
 * created on. A request served by any other loop then hands its command to that loop and gets the answer handed back:
 * two cross-thread wake-ups per command, and one loop doing every request's Redis I/O (on two busy loops: 66 % and
 * 47 % CPU). With a pool per loop the loops share the work evenly, and wrong step-up codes/s rose by 9 % (medians of
 * six alternating runs each at 32 clients, 5688 to 6218/s; {@code ./platform bench stepup}: 7443 to 7666/s).
 *
 * <p>Off an event loop (worker threads, start-up) commands go through the extension's client. Both use
 * {@code quarkus.redis.hosts} (a single standalone Redis here), and every command sent here fails after
 * {@code quarkus.redis.timeout}, so a Redis that stops answering fails closed like one that refuses connections. A
 * loop's pool has {@code verification.redis.pool-per-event-loop} connections (8), opened on its first command.
 *
 * <p>A loop's pool is named after the loop's thread, so its metrics ({@code redis_pool_*}) carry
 * {@code pool_name="vert.x-eventloop-thread-N"}: one series per loop, the same names after every restart (Vert.x would
 * name each pool with a random UUID). The extension's client reports as {@code pool_name="<default>"}.
 */
@ApplicationScoped
public class EventLoopRedis {

    private final Vertx vertx;
    private final ReactiveRedisDataSource shared;
    private final RedisOptions options;
    private final Duration timeout;
    private final Map<Thread, Redis> byLoop = new ConcurrentHashMap<>();

    EventLoopRedis(Vertx vertx, ReactiveRedisDataSource shared,
            @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts,
            @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration timeout,
            @ConfigProperty(name = "quarkus.redis.max-pool-waiting", defaultValue = "24") int maxWaiting,
            VerificationConfig config) {
        this.vertx = vertx;
        this.shared = shared;
        this.options = new RedisOptions().setConnectionString(hosts.get(0))
                .setMaxPoolSize(config.redis().poolPerEventLoop()).setMaxPoolWaiting(maxWaiting);
        this.timeout = timeout;
    }

    /** Sends one command; on an event loop through that loop's own pool (made on its first command). */
    public Uni<Response> execute(String command, String... args) {
        return send(command, args).ifNoItem().after(timeout)
                .failWith(() -> new TimeoutException("no answer from Redis within " + timeout));
    }

    private Uni<Response> send(String command, String... args) {
        if (!Context.isOnEventLoopThread()) {
            return shared.execute(command, args);
        }
        Redis redis = byLoop.computeIfAbsent(Thread.currentThread(),
                loop -> Redis.createClient(vertx, new RedisOptions(options).setPoolName(loop.getName())));
        Request request = Request.cmd(Command.create(command));
        for (String arg : args) {
            request.arg(arg);
        }
        return redis.send(request);
    }

    @PreDestroy
    void close() {
        byLoop.values().forEach(Redis::close);
    }
}
