package dev.authbackup.backup.domain;

import dev.authbackup.backup.config.BackupConfig;
import dev.authbackup.backup.messaging.BackupEvents;
import dev.authbackup.backup.messaging.RecoveryEvents;
import dev.authbackup.common.ids.TimeOrderedIds;
import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.security.AccountId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Releases a backup's ciphertext and unwrapped data key to the device of a recovery that
 * recovery-service authorised, and records who got what (audit, event).
 */
@ApplicationScoped
public class KeyRelease {

    private static final Logger LOG = Logger.getLogger(KeyRelease.class);

    /** How far ahead of this service's clock recovery-service's clock may run. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final BackupStore store;
    private final KeyEncryptionKeys keys;
    private final Outbox outbox;
    private final BackupConfig config;
    private final BackupMetrics metrics;
    private final Clock clock;

    public KeyRelease(BackupStore store, KeyEncryptionKeys keys, Outbox outbox, BackupConfig config,
            BackupMetrics metrics, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** What the device receives: everything it needs to decrypt and restore locally. */
    public record Released(int version, byte[] ciphertext, byte[] dataKey, List<BackupEvents.Entry> entries,
            byte[] settings) {
    }

    /**
     * Records recovery-service's authorisation of {@code recovery.started.v1}; must run inside the consumer's
     * transaction. A recovery id is authorised once; a replay changes nothing.
     */
    public Uni<Void> authorize(RecoveryEvents.Started started) {
        OffsetDateTime startedAt = started.startedAt().atOffset(ZoneOffset.UTC);
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO release_authorization
                       (recovery_id, account_id, platform, version, device_id, authorized_at, expires_at)
                VALUES (:recovery, :account, :platform, :version, :device, now(), :expires)
                ON CONFLICT (recovery_id) DO NOTHING""")
                .setParameter("recovery", started.recoveryId())
                .setParameter("account", started.accountId())
                .setParameter("platform", started.platform())
                .setParameter("version", started.backupVersion())
                .setParameter("device", started.deviceId())
                .setParameter("expires", startedAt.plus(config.release().validFor()))
                .executeUpdate())
                .invoke(inserted -> LOG.infof("Release authorised: %s recovery=%s platform=%s version=%d",
                        AccountId.logId(started.accountId()), started.recoveryId(), started.platform(),
                        started.backupVersion()))
                .replaceWithVoid();
    }

    /** Ends a recovery's authorisation (completed, expired or cancelled); inside the consumer's transaction. */
    public Uni<Void> revoke(RecoveryEvents.Ended ended) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                UPDATE release_authorization SET revoked_at = now()
                 WHERE recovery_id = :recovery AND revoked_at IS NULL""")
                .setParameter("recovery", ended.recoveryId())
                .executeUpdate()).replaceWithVoid();
    }

    /**
     * Releases the authorised version to the account's recovery. An id that has no authorisation yet answers 409
     * {@code recovery-not-ready} while its authorisation event may still be on its way: recovery-service mints
     * recovery ids as UUIDv7, so that is an id minted within the release window (and not ahead of this clock by more
     * than {@link #CLOCK_SKEW}), and the account has a backup to release. Any other mismatch is 404.
     */
    @WithTransaction
    public Uni<Released> release(AccountId account, Platform platform, String recoveryId) {
        UUID id = parse(recoveryId);
        OffsetDateTime now = BackupStore.now(clock);
        return ReleaseAuthorization.<ReleaseAuthorization>findById(id).flatMap(authorization -> {
            if (authorization == null) {
                if (!mayStillArrive(id, now.toInstant())) {
                    throw BackupProblems.noRelease();
                }
                return BackupStore.liveHead(account, platform).map(head -> {
                    throw BackupProblems.recoveryNotReady();
                });
            }
            if (!authorization.allows(account.value(), platform, now)) {
                throw BackupProblems.noRelease();
            }
            return BackupStore.liveHead(account, platform)
                    .flatMap(head -> BackupVersion.find(head.id, authorization.version))
                    .flatMap(version -> {
                        if (version == null) {
                            throw BackupProblems.noRelease();
                        }
                        byte[] dataKey = unwrapAndRefresh(account, platform, version);
                        return record(authorization, now).replaceWith(new Released(version.version,
                                version.ciphertext, dataKey, store.entries(version), version.settings));
                    });
        });
    }

    /** Unwraps the data key; a key still under an older KEK is re-wrapped under the current one on the way. */
    private byte[] unwrapAndRefresh(AccountId account, Platform platform, BackupVersion version) {
        String context = KeyEncryptionKeys.context(account.value(), platform, version.version);
        byte[] dataKey = keys.unwrap(new KeyEncryptionKeys.Wrapped(version.kekId, version.wrappedKey), context);
        if (!keys.currentId().equals(version.kekId)) {
            KeyEncryptionKeys.Wrapped rewrapped = keys.wrap(dataKey, context);
            version.wrappedKey = rewrapped.bytes();
            version.kekId = rewrapped.kekId();
        }
        return dataKey;
    }

    private Uni<Void> record(ReleaseAuthorization authorization, OffsetDateTime now) {
        BackupEvents.Released event = new BackupEvents.Released(authorization.accountId, authorization.recoveryId,
                authorization.platform.name(), authorization.version, authorization.deviceId, now.toInstant());
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                        INSERT INTO release_audit (recovery_id, account_id, platform, version, device_id, released_at)
                        VALUES (:recovery, :account, :platform, :version, :device, :at)""")
                        .setParameter("recovery", authorization.recoveryId)
                        .setParameter("account", authorization.accountId)
                        .setParameter("platform", authorization.platform.name())
                        .setParameter("version", authorization.version)
                        .setParameter("device", authorization.deviceId)
                        .setParameter("at", now)
                        .executeUpdate())
                .flatMap(audited -> outbox.publish(BackupEvents.TOPIC, authorization.accountId, BackupEvents.RELEASED,
                        authorization.recoveryId.toString(), event))
                .invoke(eventId -> {
                    metrics.released(authorization.platform);
                    LOG.infof("Backup released: %s recovery=%s platform=%s version=%d device=%s event=%s",
                            AccountId.logId(authorization.accountId), authorization.recoveryId,
                            authorization.platform, authorization.version, authorization.deviceId, eventId);
                })
                .replaceWithVoid();
    }

    /** Whether recovery-service may have minted this id so recently that its authorisation could still arrive. */
    private boolean mayStillArrive(UUID recoveryId, Instant now) {
        return TimeOrderedIds.mintedAt(recoveryId)
                .filter(minted -> minted.isAfter(now.minus(config.release().validFor()))
                        && minted.isBefore(now.plus(CLOCK_SKEW)))
                .isPresent();
    }

    private static UUID parse(String recoveryId) {
        try {
            return UUID.fromString(recoveryId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw BackupProblems.noRelease();
        }
    }
}
