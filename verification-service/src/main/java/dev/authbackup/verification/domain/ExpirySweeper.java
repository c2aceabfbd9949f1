package dev.authbackup.verification.domain;

import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.verification.messaging.VerificationEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Ends open verifications whose time ran out while nobody touched them, each with its
 * {@code verification.failed.v1} (reason {@code expired}) in the same transaction. Rows are locked,
 * and re-checked after the lock, so that replicas sweeping at once never emit an event twice.
 */
@ApplicationScoped
public class ExpirySweeper {

    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);
    static final int BATCH = 100;

    private final Outbox outbox;
    private final VerificationMetrics metrics;
    private final Clock clock;
    private volatile boolean stopping;

    public ExpirySweeper(Outbox outbox, VerificationMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.clock = clock;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${verification.sweep-interval}", delayed = "${verification.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return sweep().onFailure().recoverWithItem(failure -> {
            if (stopping) {
                return 0; // the pool is closing; the next start sweeps what is left
            }
            LOG.warnf("Expiry sweep failed, retrying next round: %s", failure.getMessage());
            return 0;
        }).replaceWithVoid();
    }

    /** Ends one batch of expired verifications; answers how many. */
    public Uni<Integer> sweep() {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return Panache.withTransaction(() -> Verification.<Verification>find(
                        "status in ?1 and expiresAt < ?2 order by expiresAt",
                        List.of(Verification.PROOF_REQUIRED, Verification.ACTIVATION_REQUIRED, Verification.CODE_SENT), now)
                .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, BATCH).list()
                .flatMap(expired -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (Verification v : expired) {
                        all = all.call(() -> {
                            v.status = Verification.EXPIRED;
                            v.endedReason = "expired";
                            return outbox.publish(VerificationEvents.TOPIC, v.accountId, VerificationEvents.FAILED,
                                    v.id.toString(), new VerificationEvents.Failed(v.id, v.recoveryId, v.accountId,
                                            v.entryRef, v.deviceId, "expired", now.toInstant()))
                                    .invoke(() -> {
                                        metrics.failed("expired");
                                        LOG.infof("Verification %s expired for %s", v.id, AccountId.logId(v.accountId));
                                    });
                        });
                    }
                    return all.replaceWith(expired.size());
                }));
    }
}
