package dev.authbackup.recovery.domain;

import dev.authbackup.common.ids.TimeOrderedIds;
import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.rest.IdempotencyKey;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.recovery.config.RecoveryConfig;
import dev.authbackup.recovery.messaging.BackupEvents;
import dev.authbackup.recovery.messaging.RecoveryEvents;
import dev.authbackup.recovery.rest.BeginRecoveryRequest;
import dev.authbackup.recovery.rest.RecoveryView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Begins, reads and cancels recoveries: every refusal is decided here, before anything is created. */
@ApplicationScoped
public class Recoveries {

    private static final Logger LOG = Logger.getLogger(Recoveries.class);

    private final BackupProjection projection;
    private final Outbox outbox;
    private final RecoveryConfig config;
    private final RecoveryMetrics metrics;
    private final Clock clock;

    public Recoveries(BackupProjection projection, Outbox outbox, RecoveryConfig config, RecoveryMetrics metrics,
            Clock clock) {
        this.projection = projection;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The outcome of a begin: the recovery, and whether this request created it. */
    public record Begun(boolean created, RecoveryView recovery) {
    }

    /**
     * Begins a recovery, or refuses it with the first of: no backup here (naming the other platform if the
     * account has one there), no fresh sign-in, accounts already on the device, a recovery already active on
     * the device. A retry with the same {@code Idempotency-Key} answers the recovery it began; the key sent with
     * another platform or device is 422 {@code idempotency-key-reused}.
     */
    @WithTransaction
    public Uni<Begun> begin(AccountId account, boolean freshSignIn, String idempotencyKey,
            BeginRecoveryRequest request) {
        Uni<Recovery> earlier = idempotencyKey == null ? Uni.createFrom().nullItem()
                : Recovery.findByIdempotencyKey(account.value(), idempotencyKey);
        return earlier.flatMap(existing -> {
            if (existing == null) {
                return decide(account, freshSignIn, idempotencyKey, request);
            }
            if (!existing.platform.equals(request.platform()) || !existing.deviceId.equals(request.deviceId())) {
                throw IdempotencyKey.reused("another platform or device");
            }
            return view(existing).map(view -> new Begun(false, view));
        });
    }

    private Uni<Begun> decide(AccountId account, boolean freshSignIn, String idempotencyKey,
            BeginRecoveryRequest request) {
        String platform = request.platform();
        return projection.lockLive(account.value(), platform).flatMap(backup -> {
            if (backup == null) {
                return projection.livePlatforms(account.value()).map(live -> {
                    // This platform's backup may have been projected between the two reads: it was not
                    // there when the lock was asked for, so the answer stays "no backup" for it.
                    List<String> others = live.stream().filter(p -> !p.equals(platform)).toList();
                    throw others.isEmpty() ? RecoveryProblems.noBackup(platform)
                            : RecoveryProblems.backupOnOtherPlatform(platform, others);
                });
            }
            if (!freshSignIn) {
                ProblemException challenge = Problems.freshSignInRequired();
                throw "sign_in_required".equals(backup.status())
                        ? challenge.with("reason", "The backup is out of date: sign in again to recover it.")
                        : challenge;
            }
            Set<String> local = new HashSet<>(request.localFingerprints() == null ? List.of()
                    : request.localFingerprints());
            List<String> conflicts = backup.entries().stream().filter(e -> local.contains(e.fingerprint()))
                    .map(BackupEvents.Entry::ref).toList();
            if (!conflicts.isEmpty()) {
                throw RecoveryProblems.existingAccounts(conflicts);
            }
            return Recovery.findActive(account.value(), request.deviceId()).flatMap(active -> {
                if (active != null && idempotencyKey != null && idempotencyKey.equals(active.idempotencyKey)) {
                    return view(active).map(view -> new Begun(false, view)); // the same request, raced
                }
                if (active != null) {
                    throw RecoveryProblems.inProgress(active.id);
                }
                return create(account, idempotencyKey, request, backup);
            });
        });
    }

    private Uni<Begun> create(AccountId account, String idempotencyKey, BeginRecoveryRequest request,
            BackupProjection.Projected backup) {
        OffsetDateTime now = RecoverySaga.now(clock);
        Recovery recovery = new Recovery();
        recovery.id = TimeOrderedIds.next(clock);
        recovery.accountId = account.value();
        recovery.platform = request.platform();
        recovery.deviceId = request.deviceId();
        recovery.backupVersion = backup.version();
        recovery.status = RecoveryStatus.awaiting_download;
        recovery.idempotencyKey = idempotencyKey;
        recovery.createdAt = now;
        recovery.updatedAt = now;
        List<RecoveryEntry> entries = new ArrayList<>();
        List<RecoveryEvents.Entry> announced = new ArrayList<>();
        for (BackupEvents.Entry source : backup.entries()) {
            RecoveryEntry entry = new RecoveryEntry();
            entry.recoveryId = recovery.id;
            entry.ref = source.ref();
            entry.kind = source.kind();
            entry.pushEnabled = source.pushEnabled();
            entry.requirement = Requirement.of(source.kind(), source.pushEnabled());
            entry.state = EntryState.pending;
            entry.position = entries.size();
            entry.updatedAt = now;
            entries.add(entry);
            announced.add(new RecoveryEvents.Entry(entry.ref, entry.kind, entry.pushEnabled, entry.requirement.name()));
        }
        RecoveryEvents.Started event = new RecoveryEvents.Started(recovery.id, recovery.accountId, recovery.platform,
                recovery.backupVersion, recovery.deviceId, now.toInstant(), now.plus(config.ttl()).toInstant(),
                announced);
        return recovery.persist()
                // A backup may hold no entries (settings only): its recovery completes once downloaded.
                .flatMap(r -> entries.isEmpty() ? Uni.createFrom().voidItem() : RecoveryEntry.persist(entries))
                .flatMap(r -> outbox.publish(RecoveryEvents.TOPIC, recovery.accountId, RecoveryEvents.STARTED,
                        recovery.id.toString(), event))
                .map(eventId -> {
                    metrics.step("started", recovery.platform);
                    LOG.infof("Recovery started: %s recovery=%s platform=%s version=%d device=%s entries=%d event=%s",
                            account.logId(), recovery.id, recovery.platform, recovery.backupVersion,
                            recovery.deviceId, entries.size(), eventId);
                    return new Begun(true, RecoveryView.of(recovery, entries));
                });
    }

    @WithSession
    public Uni<RecoveryView> get(AccountId account, UUID id) {
        return Recovery.findOwned(id, account.value()).flatMap(recovery -> {
            if (recovery == null) {
                throw RecoveryProblems.notFound();
            }
            return view(recovery);
        });
    }

    /** Cancels an active recovery (emits recovery.cancelled.v1); cancelling it again changes nothing. */
    @WithTransaction
    public Uni<Void> cancel(AccountId account, UUID id) {
        return Recovery.lock(id).flatMap(recovery -> {
            if (recovery == null || !recovery.accountId.equals(account.value())) {
                throw RecoveryProblems.notFound();
            }
            if (recovery.status == RecoveryStatus.cancelled) {
                return Uni.createFrom().voidItem();
            }
            if (!recovery.status.active()) {
                throw RecoveryProblems.finished(recovery.status);
            }
            OffsetDateTime now = RecoverySaga.now(clock);
            recovery.status = RecoveryStatus.cancelled;
            recovery.updatedAt = now;
            recovery.finishedAt = now;
            return outbox.publish(RecoveryEvents.TOPIC, recovery.accountId, RecoveryEvents.CANCELLED,
                    recovery.id.toString(), new RecoveryEvents.Cancelled(recovery.id, recovery.accountId,
                            recovery.deviceId, now.toInstant()))
                    .invoke(eventId -> {
                        metrics.step("cancelled", recovery.platform);
                        LOG.infof("Recovery cancelled: %s recovery=%s event=%s", account.logId(), recovery.id, eventId);
                    })
                    .replaceWithVoid();
        });
    }

    private static Uni<RecoveryView> view(Recovery recovery) {
        return RecoveryEntry.of(recovery.id).map(entries -> RecoveryView.of(recovery, entries));
    }
}
