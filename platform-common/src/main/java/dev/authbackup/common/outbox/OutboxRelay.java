package dev.authbackup.common.outbox;

import static dev.authbackup.common.messaging.CloudEventHeaders.*;

import dev.authbackup.common.config.PlatformConfig;
import dev.authbackup.common.metrics.HopTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Moves committed outbox events to Kafka, oldest first, and deletes each once the broker acknowledged
 * it (acks=all, idempotent producer). Delivery is at least once; consumers deduplicate by event id.
 *
 * <p>One relay per service database sends at a time (a transaction-scoped advisory lock), so that
 * several replicas never reorder one account's events.
 *
 * <p>A round starts as soon as a transaction that wrote events commits: an ORM transaction NOTIFYs the
 * {@code outbox_event} channel, on which every replica's relay listens; a SQL-client transaction wakes its own
 * process's relay when it completes ({@link Outbox} says why). A relay that finds another replica's round holding the
 * lock tries again after {@code authbackup.outbox.lock-retry} (doubling while it stays taken), so an event committed
 * meanwhile does not wait for the next poll. Polling every {@code authbackup.outbox.poll-interval} stays as the
 * fallback (and covers a listener connection lost with a database restart, which is re-established).
 *
 * <p>{@code authbackup.outbox.relay.delay} times each event from its state change ({@code occurred_at}) until the
 * broker acknowledged it: the producing side of a hop (the commit, the wake-up, the round, Kafka's acks).
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String CHANNEL = "outbox";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The advisory lock of a relay round. Any constant works: it only has to be the same for every replica. */
    public static final long RELAY_LOCK = 0x6f7574626f78L;
    /** What a round answers when another replica held the relay lock. */
    static final int LOCK_BUSY = -1;

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final Vertx vertx;
    private final PlatformConfig config;
    private final String source;
    private final Counter published;
    private final Counter failures;
    private final Timer relayDelay;
    private final Clock clock;
    private final AtomicLong backlog = new AtomicLong();
    /** A round is in flight; a wake-up meanwhile sets {@link #again} instead of starting a second one. */
    private final AtomicBoolean inRound = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Events deleted since the last vacuum of the outbox; {@code vacuuming} while one runs. */
    private final AtomicLong deletedSinceVacuum = new AtomicLong();
    private final AtomicBoolean vacuuming = new AtomicBoolean();
    /** How long to wait after finding the lock taken: lock-retry, doubling up to the poll interval. */
    private volatile long busyDelay;
    private volatile boolean backingOff;
    private volatile long timer = -1;
    private volatile boolean running;

    public OutboxRelay(Pool pool, @Channel(CHANNEL) MutinyEmitter<String> emitter, Vertx vertx,
            PlatformConfig config, MeterRegistry registry, Clock clock) {
        this.pool = pool;
        this.emitter = emitter;
        this.vertx = vertx;
        this.config = config;
        this.source = "/" + config.serviceName();
        this.published = Counter.builder("authbackup.outbox.published")
                .description("Events the outbox relay delivered to Kafka").register(registry);
        this.failures = Counter.builder("authbackup.outbox.relay.failures")
                .description("Relay rounds that failed and will be retried").register(registry);
        this.relayDelay = HopTimers.builder("authbackup.outbox.relay.delay", "From an event's state change "
                + "(occurred_at) until Kafka acknowledged it: the producing side of a hop").register(registry);
        this.clock = clock;
        registry.gauge("authbackup.outbox.backlog", backlog);
        this.busyDelay = config.outbox().lockRetry().toMillis();
    }

    void start(@Observes StartupEvent event) {
        if (config.outbox().enabled()) {
            running = true;
            listen();
            wake();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
    }

    /** Starts a round now, or right after the one in flight. */
    void wake() {
        if (!running || backingOff) {
            return;
        }
        if (!inRound.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        vertx.cancelTimer(timer);
        again.set(false);
        relayOnce().subscribe().with(
                sent -> {
                    if (sent == LOCK_BUSY) {
                        // Another replica's round: tried again sooner than a poll, backing off up to one. Wake-ups
                        // meanwhile wait for the retry (which finds their events), so that a stream of commits does
                        // not turn into a stream of empty rounds against a lock that stays taken.
                        long delay = busyDelay;
                        busyDelay = Math.min(2 * busyDelay, config.outbox().pollInterval().toMillis());
                        backingOff = true;
                        next(delay, false);
                    } else {
                        vacuumAfter(sent);
                        busyDelay = config.outbox().lockRetry().toMillis();
                        next(sent >= config.outbox().batchSize() ? 0 : config.outbox().pollInterval().toMillis(), true);
                    }
                },
                failure -> {
                    if (!running) {
                        inRound.set(false);
                        return; // shutting down: the pool is closing, the next start picks up what is left
                    }
                    failures.increment();
                    LOG.warnf("Outbox relay round failed, retrying in %s: %s", config.outbox().retryDelay(),
                            failure.getMessage());
                    next(config.outbox().retryDelay().toMillis(), false);
                });
    }

    /**
     * Ends a round: the next one after {@code delayMillis}, or at once when {@code wokenMeanwhile} and a wake-up came
     * during the round. {@code again} is read after {@code inRound} is down: a wake-up before that set it (its CAS
     * failed), one after that starts its own round, so none is lost. The next round ends a back-off.
     */
    private void next(long delayMillis, boolean wokenMeanwhile) {
        inRound.set(false);
        if (delayMillis == 0 || wokenMeanwhile && again.get()) {
            nextRound();
        } else if (running) {
            timer = vertx.setTimer(delayMillis, id -> nextRound());
        }
    }

    private void nextRound() {
        backingOff = false;
        wake();
    }

    /**
     * Vacuums the outbox after every {@code authbackup.outbox.vacuum-every} events this relay deleted. Each event is
     * a row inserted and deleted; until a vacuum, its dead index entry stays in the way of every round's scan. On a
     * PostgreSQL without autovacuum (a CI server's) the round's read of an empty outbox grew to 5 ms and 655 buffers
     * after 1.5 million uploads; under load autovacuum's pace (a minute apart) lets the same pile up between its runs.
     * {@code SKIP_LOCKED}: while another replica's vacuum runs, this one is skipped. {@code TRUNCATE false}: cutting
     * the empty pages off the end of a mostly empty table would lock it against the uploads' inserts.
     */
    private void vacuumAfter(int sent) {
        int every = config.outbox().vacuumEvery();
        if (sent == 0 || every <= 0 || deletedSinceVacuum.addAndGet(sent) < every
                || !vacuuming.compareAndSet(false, true)) {
            return;
        }
        deletedSinceVacuum.set(0);
        pool.query("VACUUM (SKIP_LOCKED, TRUNCATE false) outbox_event").execute().subscribe().with(
                done -> vacuuming.set(false),
                failure -> {
                    vacuuming.set(false);
                    LOG.warnf("Vacuuming the outbox failed (the next one is due after %d more events): %s", every,
                            failure.getMessage());
                });
    }

    /** Holds one connection that LISTENs for committed outbox writes; re-established when it is lost. */
    private void listen() {
        if (!running) {
            return;
        }
        pool.getConnection().subscribe().with(connection -> {
            PgConnection listener = PgConnection.cast(connection);
            listener.notificationHandler(notification -> wake());
            listener.closeHandler(() -> vertx.setTimer(config.outbox().retryDelay().toMillis(), id -> listen()));
            listener.query("LISTEN outbox_event").execute().subscribe().with(
                    done -> wake(), // what was committed before the LISTEN took effect
                    failure -> connection.close().subscribe().with(closed -> { }, ignored -> { }));
        }, failure -> vertx.setTimer(config.outbox().retryDelay().toMillis(), id -> listen()));
    }

    /** Sends one batch; answers how many events were delivered, or {@link #LOCK_BUSY}. */
    public Uni<Integer> relayOnce() {
        return pool.withTransaction(this::sendBatch);
    }

    /**
     * One statement takes the relay lock and reads the batch (one round trip less on every hop). The lock is
     * tried once (a volatile CTE is evaluated once); without it the one row that comes back has no event.
     *
     * <p>The same statement makes the round's commit asynchronous ({@code synchronous_commit} off for this
     * transaction only): the commit does not wait for its WAL flush, and the upload commits do not queue behind it for
     * theirs. A crash can undo only the DELETE of events already sent, which are then sent again, and consumers
     * deduplicate by event id: delivery stays at least once, and no event is lost.
     */
    private Uni<Integer> sendBatch(SqlConnection connection) {
        return connection.preparedQuery("""
                WITH relay AS (SELECT pg_try_advisory_xact_lock($2) AS locked,
                                      set_config('synchronous_commit', 'off', true) AS commit_mode)
                SELECT relay.locked, e.* FROM relay LEFT JOIN LATERAL (
                    SELECT id, topic, message_key, type, subject, occurred_at, payload, count(*) OVER () AS backlog
                      FROM outbox_event WHERE relay.locked ORDER BY seq LIMIT $1) e ON true""")
                .execute(Tuple.of(config.outbox().batchSize(), RELAY_LOCK))
                .flatMap(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    Duration[] waited = new Duration[rows.size()]; // each event's, from its state change to its ack
                    List<Uni<Void>> sends = new ArrayList<>();
                    long pending = 0;
                    for (Row row : rows) {
                        if (!row.getBoolean("locked")) {
                            return Uni.createFrom().item(LOCK_BUSY); // another replica's round: try again shortly
                        }
                        if (row.getUUID("id") == null) {
                            break; // locked, and nothing to send
                        }
                        pending = row.getLong("backlog");
                        int index = ids.size();
                        Instant occurred = row.getOffsetDateTime("occurred_at").toInstant();
                        ids.add(row.getUUID("id"));
                        sends.add(emitter.sendMessage(toMessage(row))
                                .invoke(() -> waited[index] = Duration.between(occurred, clock.instant())));
                    }
                    backlog.set(pending);
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    // Sent in order on one idempotent producer: per-partition order is kept.
                    return Uni.join().all(sends).andFailFast()
                            .flatMap(all -> connection
                                    .preparedQuery("DELETE FROM outbox_event WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids.toArray(new UUID[0]))))
                            .map(deleted -> {
                                // Counted where published is: not for a round whose sends or DELETE failed (it is retried).
                                for (Duration each : waited) {
                                    HopTimers.record(relayDelay, each);
                                }
                                published.increment(ids.size());
                                backlog.addAndGet(-ids.size());
                                return ids.size();
                            });
                });
    }

    private Message<String> toMessage(Row row) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, SPEC_VERSION, SPEC_VERSION_1_0);
        header(headers, ID, row.getUUID("id").toString());
        header(headers, TYPE, row.getString("type"));
        header(headers, SOURCE, source);
        header(headers, TIME, row.getOffsetDateTime("occurred_at").format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        if (row.getString("subject") != null) {
            header(headers, SUBJECT, row.getString("subject"));
        }
        header(headers, CONTENT_TYPE, JSON);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.getString("topic"))
                .withKey(row.getString("message_key"))
                .withHeaders(headers)
                .build();
        return Message.of(row.getString("payload")).addMetadata(metadata);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
