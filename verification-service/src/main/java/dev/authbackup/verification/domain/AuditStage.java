package dev.authbackup.verification.domain;

import dev.authbackup.verification.config.VerificationConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Refused attempts' audit rows on their way to the table: each is added to the Redis stream
 * {@value #STREAM} (one round trip, no database commit to wait for), and every replica moves them to
 * {@code verification_audit} in batches, through the consumer group {@value #GROUP}.
 *
 * <p>Nothing is lost or written twice: an entry is acknowledged and deleted only after its row is committed, and the
 * row carries the entry's id ({@code staged_id}, unique), so an entry read again (its acknowledgement lost) adds no
 * second row. Entries a replica read but never wrote (it died) are claimed by another after
 * {@code verification.audit.claim-after}. While PostgreSQL is down the entries wait in Redis.
 *
 * <p>A batch is moved as soon as a row is staged; rows staged while one is moving go in the next, so under a storm
 * of wrong codes the batches grow instead of the commits. The stream's length is the gauge
 * {@code authbackup_audit_staged}.
 */
@Startup // its gauge is there from the start, and it moves what an earlier run left
@ApplicationScoped
public class AuditStage {

    private static final Logger LOG = Logger.getLogger(AuditStage.class);
    static final String STREAM = "verification:audit";
    static final String GROUP = "audit-writer";
    static final int BATCH = 500;

    /**
     * Reads up to ARGV[3] entries for consumer ARGV[2] of group ARGV[1] (created if missing): with ARGV[5] = 1 first
     * those another consumer left unacknowledged for ARGV[4] ms (and consumers idle an hour with nothing pending are
     * forgotten), then new ones. Answers {id, {field, value, ...}} pairs.
     */
    static final RedisScript READ = RedisScript.of("""
            local function read()
              return redis.pcall('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
            end
            local new = read()
            if type(new) == 'table' and new.err then
              redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
              new = read()
            end
            local entries = {}
            if ARGV[5] == '1' then
              local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[4], '0-0', 'COUNT', ARGV[3])
              for _, e in ipairs(claimed[2]) do
                if e[2] then table.insert(entries, e) end
              end
              for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
                local info = {}
                for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
                if info['pending'] == 0 and info['idle'] > 3600000 and info['name'] ~= ARGV[2] then
                  redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
                end
              end
            end
            if new then
              for _, e in ipairs(new[1][2]) do table.insert(entries, e) end
            end
            return entries""");

    /** Acknowledges and deletes the entries ARGV[2..] of group ARGV[1]; answers the stream's length. */
    static final RedisScript DONE = RedisScript.of("""
            redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
            redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
            return redis.call('XLEN', KEYS[1])""");

    private final EventLoopRedis redis;
    private final Pool pool;
    private final Vertx vertx;
    private final long lingerMillis;
    private final String consumer;
    private final String claimAfterMillis;
    private final AtomicLong staged = new AtomicLong();
    private final AtomicBoolean moving = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Rows were staged (or a round is due) since the batch being moved was read. */
    private volatile boolean nudged;
    private volatile boolean claimDue = true;
    private volatile boolean stopping;
    private volatile boolean failing;

    public AuditStage(EventLoopRedis redis, Pool pool, Vertx vertx, VerificationConfig config,
            MeterRegistry registry) {
        this.redis = redis;
        this.pool = pool;
        this.vertx = vertx;
        this.lingerMillis = Math.max(1, config.audit().linger().toMillis());
        String host = System.getenv("HOSTNAME");
        this.consumer = (host == null || host.isBlank() ? "verification-service" : host) + "-"
                + ProcessHandle.current().pid();
        this.claimAfterMillis = Long.toString(config.audit().claimAfter().toMillis());
        registry.gauge("authbackup.audit.staged", staged);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true; // what is staged stays in Redis for the next start or another replica
    }

    /** Adds a row to the stream; answers once Redis has it, or fails (then the caller writes the row itself). */
    Uni<Void> stage(AuditRow row) {
        List<String> args = new ArrayList<>(List.of(STREAM, "*"));
        args.addAll(fields(row));
        return CallerContext.resume(redis.execute("XADD", args.toArray(String[]::new))
                .invoke(this::moveSoon).replaceWithVoid());
    }

    /** A row as the field-value pairs of its stream entry (ids and method only when there are any). */
    static List<String> fields(AuditRow row) {
        List<String> fields = new ArrayList<>(List.of("at", Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH,
                row.at().toInstant())), "account", row.accountId(), "action", row.action(), "outcome", row.outcome()));
        if (row.verificationId() != null) {
            fields.addAll(List.of("verification", row.verificationId().toString()));
        }
        if (row.subjectId() != null) {
            fields.addAll(List.of("subject", row.subjectId().toString()));
        }
        if (row.method() != null) {
            fields.addAll(List.of("method", row.method()));
        }
        return fields;
    }

    @Scheduled(every = "${verification.audit.drain-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void round() {
        claimDue = true;
        move();
    }

    /**
     * Moves a batch {@code linger} from now (unless one is due already): rows staged meanwhile go in the same batch,
     * so under a storm of refusals the batches grow instead of the round trips and commits.
     */
    void moveSoon() {
        if (scheduled.compareAndSet(false, true)) {
            vertx.setTimer(lingerMillis, ignored -> {
                scheduled.set(false);
                move();
            });
        }
    }

    /** Moves one batch now unless one is moving; that one then moves the next. */
    void move() {
        nudged = true;
        if (stopping || !moving.compareAndSet(false, true)) {
            return;
        }
        nudged = false;
        boolean claim = claimDue;
        claimDue = false;
        READ.run(redis, 1, STREAM, GROUP, consumer, Integer.toString(BATCH), claimAfterMillis, claim ? "1" : "0")
                .flatMap(this::write)
                .subscribe().with(count -> {
                    failing = false;
                    moving.set(false);
                    if (count >= BATCH) {
                        move(); // more are waiting
                    } else if (nudged) {
                        moveSoon();
                    }
                }, failure -> {
                    if (claim) {
                        claimDue = true;
                    }
                    if (!failing && !stopping) {
                        failing = true;
                        LOG.warnf("Staged audit rows cannot be moved yet (%s); they wait in Redis",
                                failure.getClass().getSimpleName());
                    }
                    moving.set(false);
                });
    }

    /** Writes the rows of the entries read, then acknowledges and deletes the entries; answers how many. */
    private Uni<Integer> write(Response entries) {
        if (entries == null || entries.size() == 0) {
            return Uni.createFrom().item(0);
        }
        List<AuditRow> rows = new ArrayList<>(entries.size());
        List<String> ids = new ArrayList<>(entries.size());
        for (Response entry : entries) {
            String id = entry.get(0).toString();
            try {
                rows.add(row(entry.get(1)));
                ids.add(id);
            } catch (RuntimeException e) {
                // Not one this service staged: left pending (claimed and skipped again each round), never dropped.
                LOG.warnf("Staged audit entry %s is not a row (%s); left in %s", id, e.getClass().getSimpleName(),
                        STREAM);
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().item(entries.size());
        }
        List<String> done = new ArrayList<>(List.of(STREAM, GROUP));
        done.addAll(ids);
        return Audit.insert(pool, rows, ids)
                .chain(() -> DONE.run(redis, 1, done.toArray(String[]::new)))
                .invoke(length -> staged.set(length.toLong()))
                .replaceWith(entries.size());
    }

    private static AuditRow row(Response values) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < values.size(); i += 2) {
            fields.put(values.get(i).toString(), values.get(i + 1).toString());
        }
        OffsetDateTime at = OffsetDateTime.ofInstant(
                Instant.EPOCH.plus(Long.parseLong(fields.get("at")), ChronoUnit.MICROS), ZoneOffset.UTC);
        AuditRow row = new AuditRow(at, fields.get("account"), fields.get("action"), fields.get("outcome"),
                uuid(fields.get("verification")), uuid(fields.get("subject")), fields.get("method"));
        if (row.accountId() == null || row.action() == null || row.outcome() == null) {
            throw new IllegalArgumentException("missing field");
        }
        return row;
    }

    private static UUID uuid(String value) {
        return value == null ? null : UUID.fromString(value);
    }
}
