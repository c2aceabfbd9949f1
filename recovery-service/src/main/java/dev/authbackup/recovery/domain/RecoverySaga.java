package dev.authbackup.recovery.domain;

import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.recovery.config.RecoveryConfig;
import dev.authbackup.recovery.messaging.RecoveryEvents;
import dev.authbackup.recovery.messaging.SagaEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The orchestrator: moves a recovery and its entries forward as the other services report their steps.
 * Every step locks the recovery row, so steps arriving together on different topics serialise; states
 * only move forward, so a duplicate or late event changes nothing. Events for an unknown, finished or
 * other-device recovery are counted and ignored. Each method runs inside the consumer's transaction.
 */
@ApplicationScoped
public class RecoverySaga {

    private static final Logger LOG = Logger.getLogger(RecoverySaga.class);

    private final Outbox outbox;
    private final RecoveryConfig config;
    private final RecoveryMetrics metrics;
    private final Clock clock;

    public RecoverySaga(Outbox outbox, RecoveryConfig config, RecoveryMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    static OffsetDateTime now(Clock clock) {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** {@code backup.released.v1}: the device has the backup; every entry learns what it waits for. */
    public Uni<Void> released(SagaEvents.Released event) {
        return withRecovery(SagaEvents.RELEASED, event.recoveryId(), event.accountId(), event.deviceId(),
                (recovery, entries) -> {
                    OffsetDateTime now = now(clock);
                    if (recovery.status == RecoveryStatus.awaiting_download) {
                        recovery.status = RecoveryStatus.in_progress;
                        metrics.step("released", recovery.platform);
                    }
                    for (RecoveryEntry entry : entries) {
                        advance(entry, entry.requirement.afterDownload(), now);
                    }
                    recovery.updatedAt = now;
                    return completeIfDone(recovery, entries, now);
                });
    }

    /** {@code verification.succeeded.v1}: the entry is verified; its device may now register a push key. */
    public Uni<Void> verified(SagaEvents.EntryStep event) {
        return withEntry(SagaEvents.VERIFICATION_SUCCEEDED, event, RecoveryEntry::needsPushKey,
                (recovery, entries, entry) -> {
            OffsetDateTime now = now(clock);
            if (!advance(entry, EntryState.verified, now)) {
                metrics.ignored(SagaEvents.VERIFICATION_SUCCEEDED, "already-verified");
                return Uni.createFrom().voidItem();
            }
            recovery.updatedAt = now;
            OffsetDateTime expires = now.plus(config.pushKeyAuthorizationTtl());
            return outbox.publish(RecoveryEvents.TOPIC, recovery.accountId, RecoveryEvents.PUSH_KEY_AUTHORIZED,
                    recovery.id.toString(), new RecoveryEvents.PushKeyAuthorized(recovery.id, recovery.accountId,
                            entry.ref, recovery.deviceId, expires.toInstant()))
                    .invoke(eventId -> LOG.infof("Push key authorised: %s recovery=%s entry=%s event=%s",
                            AccountId.logId(recovery.accountId), recovery.id, entry.ref, eventId))
                    .replaceWithVoid();
        });
    }

    /** {@code device.push-key-registered.v1}: a verified entry's push key is on the device. */
    public Uni<Void> pushKeyRegistered(SagaEvents.EntryStep event) {
        return withEntry(SagaEvents.PUSH_KEY_REGISTERED, event, RecoveryEntry::needsPushKey,
                (recovery, entries, entry) -> provisioned(SagaEvents.PUSH_KEY_REGISTERED, recovery, entries, entry,
                        now -> entry.pushKeyRegisteredAt = now));
    }

    /** {@code device.credential-issued.v1}: a personal entry has its own credential on the device. */
    public Uni<Void> credentialIssued(SagaEvents.EntryStep event) {
        return withEntry(SagaEvents.CREDENTIAL_ISSUED, event, RecoveryEntry::needsCredential,
                (recovery, entries, entry) -> provisioned(SagaEvents.CREDENTIAL_ISSUED, recovery, entries, entry,
                        now -> entry.credentialIssuedAt = now));
    }

    /**
     * Records one thing the device got for the entry; the entry is restored once the device has all it needs (a
     * personal entry that uses push: its own credential and its push key, in either order).
     */
    private Uni<Void> provisioned(String type, Recovery recovery, List<RecoveryEntry> entries, RecoveryEntry entry,
            Consumer<OffsetDateTime> record) {
        OffsetDateTime now = now(clock);
        if (entry.state == EntryState.restored) {
            metrics.ignored(type, "already-restored");
            return Uni.createFrom().voidItem();
        }
        record.accept(now);
        entry.updatedAt = now;
        recovery.updatedAt = now;
        if (!entry.provisioned()) {
            return Uni.createFrom().voidItem(); // the other half is still to come
        }
        advance(entry, EntryState.restored, now);
        return completeIfDone(recovery, entries, now);
    }

    /** Moves an entry forward to {@code target}; answers false when it is there or beyond already. */
    private boolean advance(RecoveryEntry entry, EntryState target, OffsetDateTime now) {
        if (!entry.state.isBefore(target)) {
            return false;
        }
        entry.state = target;
        entry.updatedAt = now;
        metrics.entry(target, entry.requirement);
        return true;
    }

    private Uni<Void> completeIfDone(Recovery recovery, List<RecoveryEntry> entries, OffsetDateTime now) {
        if (recovery.status != RecoveryStatus.in_progress
                || entries.stream().anyMatch(e -> e.state != EntryState.restored)) {
            return Uni.createFrom().voidItem();
        }
        recovery.status = RecoveryStatus.completed;
        recovery.finishedAt = now;
        Duration took = Duration.between(recovery.createdAt, now);
        return outbox.publish(RecoveryEvents.TOPIC, recovery.accountId, RecoveryEvents.COMPLETED,
                recovery.id.toString(), new RecoveryEvents.Completed(recovery.id, recovery.accountId,
                        recovery.deviceId, now.toInstant(), took.toMillis()))
                .invoke(eventId -> {
                    metrics.completed(recovery.platform, took);
                    LOG.infof("Recovery completed: %s recovery=%s entries=%d in %d ms event=%s",
                            AccountId.logId(recovery.accountId), recovery.id, entries.size(), took.toMillis(), eventId);
                })
                .replaceWithVoid();
    }

    private Uni<Void> withEntry(String type, SagaEvents.EntryStep event, Predicate<RecoveryEntry> needs,
            OnEntry step) {
        return withRecovery(type, event.recoveryId(), event.accountId(), event.deviceId(), (recovery, entries) -> {
            RecoveryEntry entry = entries.stream().filter(e -> e.ref.equals(event.entryRef())).findFirst().orElse(null);
            if (entry == null || !needs.test(entry)) {
                metrics.ignored(type, entry == null ? "unknown-entry" : "not-required");
                LOG.infof("Ignored %s for recovery %s: entry %s %s", type, recovery.id, event.entryRef(),
                        entry == null ? "is not in it" : "does not need it");
                return Uni.createFrom().voidItem();
            }
            return step.apply(recovery, entries, entry);
        });
    }

    /** A step on one entry of a locked recovery, with all its entries at hand. */
    @FunctionalInterface
    private interface OnEntry {
        Uni<Void> apply(Recovery recovery, List<RecoveryEntry> entries, RecoveryEntry entry);
    }

    /** Runs a step on the locked, active recovery of that account and device; anything else is ignored. */
    private Uni<Void> withRecovery(String type, UUID recoveryId, String accountId, String deviceId,
            BiFunction<Recovery, List<RecoveryEntry>, Uni<Void>> step) {
        return Recovery.lock(recoveryId).flatMap(recovery -> {
            String reason = recovery == null || !recovery.accountId.equals(accountId) ? "unknown-recovery"
                    : !recovery.deviceId.equals(deviceId) ? "other-device"
                    : !recovery.status.active() ? "finished" : null;
            if (reason != null) {
                metrics.ignored(type, reason);
                LOG.infof("Ignored %s for recovery %s: %s", type, recoveryId, reason.replace('-', ' '));
                return Uni.createFrom().voidItem();
            }
            return RecoveryEntry.of(recovery.id).flatMap(entries -> step.apply(recovery, entries));
        });
    }

    @Scheduled(identity = "recovery-expiry", every = "${recovery.expiry-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledExpiry() {
        return expireIdle().replaceWithVoid().onFailure().recoverWithNull();
    }

    /** Expires active recoveries without progress for the configured time to live; answers how many. */
    public Uni<Integer> expireIdle() {
        OffsetDateTime now = now(clock);
        return Panache.withTransaction(() -> Recovery.lockIdle(now.minus(config.ttl()), config.batchSize())
                .flatMap(idle -> Multi.createFrom().iterable(idle)
                        .onItem().transformToUniAndConcatenate(recovery -> {
                            recovery.status = RecoveryStatus.expired;
                            recovery.updatedAt = now;
                            recovery.finishedAt = now;
                            metrics.step("expired", recovery.platform);
                            LOG.infof("Recovery expired: %s recovery=%s", AccountId.logId(recovery.accountId),
                                    recovery.id);
                            return outbox.publish(RecoveryEvents.TOPIC, recovery.accountId, RecoveryEvents.EXPIRED,
                                    recovery.id.toString(), new RecoveryEvents.Expired(recovery.id,
                                            recovery.accountId, recovery.deviceId, now.toInstant()));
                        })
                        .collect().asList().map(done -> idle.size())))
                .onFailure().invoke(e -> LOG.error("Expiring idle recoveries failed; the next run retries", e));
    }
}
