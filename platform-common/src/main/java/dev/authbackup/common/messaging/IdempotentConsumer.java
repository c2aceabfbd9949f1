package dev.authbackup.common.messaging;

import static dev.authbackup.common.messaging.CloudEventHeaders.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.metrics.HopTimers;
import dev.authbackup.common.problem.StoreOutage;
import dev.authbackup.common.security.AccountId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.vertx.core.ContextAwareScheduler;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs a consumer's effect at most once per event id: the id goes into the {@code processed_event}
 * inbox in the same transaction as the effect, so a redelivered event changes nothing.
 *
 * <p>A store outage is waited out; other transient failures are retried a bounded number of times; a poison message,
 * or one that still fails after the retries, is nacked, which the channel's dead-letter strategy sends to the DLQ
 * topic: the partition keeps flowing.
 *
 * <p>A busy projection reads whole polled batches ({@link #consumeBatch}): consecutive events it can write with the
 * SQL client share one transaction and one inbox insert, instead of a transaction (and a commit) each.
 *
 * <p>Each applied event's delay, from its {@code ce_time} (the producing service's state change) until its effect here,
 * is the {@code authbackup.events.delay} timer: the outbox relay, Kafka and this consumer, i.e. one hop of a saga. Its
 * Kafka leg, from the record's timestamp (the relay's send) until this consumer took the record (with its batch), is
 * {@code authbackup.events.transit}, counted for every readable record with a timestamp, redelivered copies too.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);
    static final int RETRIES = 3;
    static final Duration FIRST_BACK_OFF = Duration.ofMillis(200);
    static final Duration OUTAGE_BACK_OFF = Duration.ofSeconds(5);

    private static final String INBOX_BATCH = """
            INSERT INTO processed_event (consumer, event_id, event_type, processed_at)
            SELECT $1, id, type, now() FROM unnest($2::text[], $3::text[]) AS event(id, type)
            ON CONFLICT DO NOTHING RETURNING event_id""";

    private final ObjectMapper json;
    private final MeterRegistry registry;
    private final Pool pool;
    private final Clock clock;
    /** One delay timer and one transit timer per consumer and event type, built once. */
    private final Map<String, Timer> delays = new ConcurrentHashMap<>();
    private final Map<String, Timer> transits = new ConcurrentHashMap<>();

    public IdempotentConsumer(ObjectMapper json, MeterRegistry registry, Pool pool, Clock clock) {
        this.json = json;
        this.registry = registry;
        this.pool = pool;
        this.clock = clock;
    }

    /** An event's effect as SQL-client statements on the transaction it shares with other events. */
    @FunctionalInterface
    public interface Write {
        Uni<Void> apply(SqlConnection transaction);
    }

    private record Pending(KafkaRecord<String, String> record, IncomingEvent event, Write write) {
    }

    /**
     * Consumes a polled batch in record order, each event at most once, as {@link #consume} does one by one.
     * An event that {@code writes} turns into a {@link Write} joins the consecutive others in one transaction
     * (with one inbox insert for all of them); {@code writes} answers null for an event that must run
     * {@code alone} (through {@link #consume}), and throws {@link PoisonEventException} for one to dead-letter.
     * A shared transaction that still fails after the retries is tried again event by event, so that only an
     * event that fails on its own is dead-lettered.
     */
    public Uni<Void> consumeBatch(String consumer, KafkaRecordBatch<String, String> batch,
            Function<IncomingEvent, Write> writes, Function<IncomingEvent, Uni<Void>> alone) {
        Context context = Vertx.currentContext();
        Instant taken = clock.instant(); // the whole batch was taken from Kafka now, the events going alone too
        Uni<Void> done = Uni.createFrom().voidItem();
        List<Pending> run = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            IncomingEvent event = null;
            Supplier<Uni<Void>> onItsOwn;
            try {
                event = read(record);
                received(consumer, event, record.getTimestamp(), taken);
                Write write = writes.apply(event);
                if (write != null) {
                    run.add(new Pending(record, event, write));
                    continue;
                }
                IncomingEvent readAlready = event;
                onItsOwn = () -> apply(consumer, record, readAlready, alone);
            } catch (PoisonEventException e) {
                IncomingEvent poison = event;
                onItsOwn = () -> deadLetter(consumer, poison, record, e);
            }
            // The run so far is applied first, then this event on its own: records stay in order.
            List<Pending> before = run;
            done = then(then(done, () -> together(consumer, before), context), onItsOwn, context);
            run = new ArrayList<>();
        }
        List<Pending> last = run;
        return then(done, () -> together(consumer, last), context);
    }

    /** {@code before}, then {@code next} (built only then), back on the batch's own Vert.x context. */
    private static Uni<Void> then(Uni<Void> before, Supplier<Uni<Void>> next, Context context) {
        Uni<Void> onContext = context == null ? before : before.emitOn(task -> {
            if (Vertx.currentContext() == context) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        });
        return onContext.flatMap(ignored -> next.get());
    }

    /** Applies a run of events in one transaction (retried); if it still fails, each event alone. */
    private Uni<Void> together(String consumer, List<Pending> run) {
        if (run.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return applyInOneTransaction(consumer, run)
                .onFailure().recoverWithUni(failure -> {
                    if (run.size() == 1) {
                        Pending only = run.get(0);
                        return deadLetter(consumer, only.event(), only.record(), failure);
                    }
                    LOG.warnf("A batch of %d events in %s failed (%s); applying them one by one", run.size(), consumer,
                            failure.getMessage());
                    Uni<Void> oneByOne = Uni.createFrom().voidItem();
                    for (Pending pending : run) {
                        oneByOne = oneByOne.flatMap(ignored -> together(consumer, List.of(pending)));
                    }
                    return oneByOne;
                });
    }

    private Uni<Void> applyInOneTransaction(String consumer, List<Pending> run) {
        String[] ids = run.stream().map(p -> p.event().id()).toArray(String[]::new);
        String[] types = run.stream().map(p -> p.event().type()).toArray(String[]::new);
        return retried(pool.withTransaction(transaction -> transaction.preparedQuery(INBOX_BATCH)
                        .execute(Tuple.of(consumer, ids, types))
                        .flatMap(rows -> {
                            Set<String> fresh = new HashSet<>();
                            for (Row row : rows) {
                                fresh.add(row.getString(0));
                            }
                            boolean[] applied = new boolean[run.size()];
                            Uni<Void> writes = Uni.createFrom().voidItem();
                            for (int i = 0; i < run.size(); i++) {
                                Pending pending = run.get(i);
                                // The first copy of an id is applied; a redelivered copy in the same batch is not.
                                if (fresh.remove(pending.event().id())) {
                                    applied[i] = true;
                                    writes = writes.flatMap(ignored -> pending.write().apply(transaction));
                                }
                            }
                            return writes.replaceWith(applied);
                        })))
                .flatMap(applied -> {
                    Uni<Void> acks = Uni.createFrom().voidItem();
                    for (int i = 0; i < run.size(); i++) {
                        Pending pending = run.get(i);
                        outcome(consumer, pending.event(), applied[i] ? "applied" : "duplicate");
                        acks = acks.flatMap(ignored -> Uni.createFrom().completionStage(pending.record().ack()));
                    }
                    return acks;
                });
    }

    /**
     * @param consumer a stable name for this consumer (one inbox namespace per consumer)
     * @param message  the Kafka message as received
     * @param effect   the state change; runs inside the inbox transaction
     */
    public Uni<Void> consume(String consumer, Message<String> message, Function<IncomingEvent, Uni<Void>> effect) {
        IncomingEvent event;
        try {
            event = read(message);
        } catch (PoisonEventException e) {
            return deadLetter(consumer, null, message, e);
        }
        received(consumer, event, message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getTimestamp).orElse(null), clock.instant());
        return apply(consumer, message, event, effect);
    }

    /** {@link #consume} of an event already read (and its transit counted). */
    private Uni<Void> apply(String consumer, Message<String> message, IncomingEvent event,
            Function<IncomingEvent, Uni<Void>> effect) {
        return retried(Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery("""
                                INSERT INTO processed_event (consumer, event_id, event_type, processed_at)
                                VALUES (:consumer, :id, :type, now()) ON CONFLICT DO NOTHING""")
                                .setParameter("consumer", consumer)
                                .setParameter("id", event.id())
                                .setParameter("type", event.type())
                                .executeUpdate())
                        .flatMap(inserted -> inserted == 1 ? effect.apply(event).replaceWith(true)
                                : Uni.createFrom().item(false))))
                // Counted once committed: a transaction that failed and was retried counts once.
                .invoke(applied -> outcome(consumer, event, applied ? "applied" : "duplicate"))
                .onItem().transformToUni(done -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(failure -> deadLetter(consumer, event, message, failure));
    }

    private static <T> Uni<T> retried(Uni<T> attempt) {
        return retried(attempt, FIRST_BACK_OFF);
    }

    /**
     * A store outage (PostgreSQL restarting or unreachable) is waited out, however long it lasts, with back-off up
     * to {@link #OUTAGE_BACK_OFF}: no event could be applied meanwhile, and dead-lettering them would lose saga steps.
     * Other failures are tried again {@link #RETRIES} times with back-off, then dead-lettered; a poison event is not
     * tried again.
     */
    static <T> Uni<T> retried(Uni<T> attempt, Duration firstBackOff) {
        boolean[] warned = {false};
        // Each attempt again on the consumer's Vert.x context: a back-off's timer fires on a worker thread, where a
        // Hibernate Reactive session cannot open (it would fail with "no current Vert.x context", not an outage).
        ScheduledExecutorService onThisContext = Vertx.currentContext() == null ? Infrastructure.getDefaultWorkerPool()
                : ContextAwareScheduler.delegatingTo(Infrastructure.getDefaultWorkerPool()).withCurrentContext();
        return attempt
                .onFailure(failure -> {
                    if (!StoreOutage.isOutage(failure)) {
                        return false;
                    }
                    if (!warned[0]) {
                        warned[0] = true;
                        LOG.warnf("A store is unreachable; waiting for it before applying the event: %s",
                                StoreOutage.describe(failure));
                    }
                    return true;
                })
                .retry().withExecutor(onThisContext).withBackOff(firstBackOff, OUTAGE_BACK_OFF).indefinitely()
                .onFailure(failure -> !(failure instanceof PoisonEventException))
                .retry().withExecutor(onThisContext).withBackOff(firstBackOff, Duration.ofSeconds(2)).atMost(RETRIES);
    }

    private Uni<Void> deadLetter(String consumer, IncomingEvent event, Message<String> message, Throwable failure) {
        registry.counter("authbackup.events.dead_lettered", "consumer", consumer).increment();
        LOG.warnf("Dead-lettering event %s (%s) in %s: %s", event == null ? "?" : event.id(),
                event == null ? "unreadable" : event.type(), consumer, failure.getMessage());
        return Uni.createFrom().completionStage(message.nack(failure));
    }

    private void outcome(String consumer, IncomingEvent event, String outcome) {
        registry.counter("authbackup.events.consumed", "consumer", consumer, "type", event.type(),
                "outcome", outcome).increment();
        if ("applied".equals(outcome) && event.time() != null) {
            HopTimers.record(hopTimer(delays, "authbackup.events.delay", "From an event's occurrence (ce_time) until "
                    + "its effect was written by this consumer: outbox relay, Kafka and the consumer's transaction",
                    consumer, event), Duration.between(event.time().toInstant(), clock.instant()));
        }
        LOG.debugf("%s %s event %s for %s", consumer, outcome, event.id(),
                event.key() == null ? "-" : AccountId.logId(event.key()));
    }

    /** Kafka's leg of a hop: from the record's timestamp (the producer's send) until this consumer took the record. */
    private void received(String consumer, IncomingEvent event, Instant sent, Instant taken) {
        if (sent == null || sent.toEpochMilli() <= 0) {
            return; // a record without a timestamp (-1)
        }
        HopTimers.record(hopTimer(transits, "authbackup.events.transit", "From an event's send to Kafka (the record's "
                + "timestamp) until this consumer took the record: the broker and the consumer's queue, one leg of "
                + "authbackup.events.delay", consumer, event), Duration.between(sent, taken));
    }

    /** The hop timer {@code name} of this consumer and the event's type, from {@code cache} (built once per pair). */
    private Timer hopTimer(Map<String, Timer> cache, String name, String description, String consumer,
            IncomingEvent event) {
        return cache.computeIfAbsent(consumer + ' ' + event.type(), ignored -> HopTimers.builder(name, description)
                .tags("consumer", consumer, "type", event.type())
                .register(registry));
    }

    /** Reads the CloudEvents binary-mode headers and the JSON data; anything missing makes it poison. */
    IncomingEvent read(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new PoisonEventException("not a Kafka record"));
        Headers headers = metadata.getHeaders();
        String id = header(headers, ID);
        String type = header(headers, TYPE);
        if (id == null || type == null || !SPEC_VERSION_1_0.equals(header(headers, SPEC_VERSION))) {
            throw new PoisonEventException("not a CloudEvents 1.0 record");
        }
        JsonNode data;
        try {
            data = message.getPayload() == null ? null : json.readTree(message.getPayload());
        } catch (Exception e) {
            throw new PoisonEventException("data is not JSON");
        }
        if (data == null || !data.isObject()) {
            throw new PoisonEventException("data is not a JSON object");
        }
        OffsetDateTime time = null;
        String timeHeader = header(headers, TIME);
        if (timeHeader != null) {
            try {
                time = OffsetDateTime.parse(timeHeader);
            } catch (Exception e) {
                throw new PoisonEventException("ce_time is not RFC 3339");
            }
        }
        Object key = metadata.getKey();
        return new IncomingEvent(id, type, header(headers, SOURCE), header(headers, SUBJECT), time,
                key == null ? null : key.toString(), data);
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
