package dev.authbackup.notification.domain;

import dev.authbackup.common.messaging.PoisonEventException;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.notification.messaging.RecoveryEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns recovery-service's decisions into what a device may register: a device credential for each
 * personal entry (at once, or after step-up for push entries), and a push key for each verified entry.
 * Each method runs inside the consumer's transaction; a replayed or repeated event changes nothing
 * (one authorisation per recovery, entry and kind).
 */
@ApplicationScoped
public class Provisioning {

    private static final Logger LOG = Logger.getLogger(Provisioning.class);
    private static final int NONCE_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final NotificationMetrics metrics;
    private final Clock clock;

    public Provisioning(NotificationMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    public static OffsetDateTime now(Clock clock) {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** {@code recovery.started.v1}: personal entries get a device-credential authorisation. */
    public Uni<Void> started(RecoveryEvents.Started started) {
        if (started.recoveryId() == null || started.accountId() == null || started.deviceId() == null
                || started.expiresAt() == null || started.entries() == null) {
            throw new PoisonEventException(RecoveryEvents.STARTED + " without recovery, account, device, expiry or entries");
        }
        List<Uni<Integer>> inserts = new ArrayList<>();
        for (RecoveryEvents.Entry entry : started.entries()) {
            if (entry == null || entry.ref() == null) {
                throw new PoisonEventException(RecoveryEvents.STARTED + " with an entry without ref");
            }
            boolean personal = "personal".equals(entry.kind());
            if ("device_credential".equals(entry.requirement())) {
                inserts.add(insert(started.accountId(), started.recoveryId(), entry.ref(), started.deviceId(),
                        ProvisioningAuthorization.DEVICE_CREDENTIAL, true, started.expiresAt()));
            } else if (personal && "verification".equals(entry.requirement())) {
                // A personal push entry gets its own credential too, but only once step-up succeeded.
                inserts.add(insert(started.accountId(), started.recoveryId(), entry.ref(), started.deviceId(),
                        ProvisioningAuthorization.DEVICE_CREDENTIAL, false, started.expiresAt()));
            }
        }
        return Multi.createFrom().iterable(inserts).onItem().transformToUniAndConcatenate(u -> u)
                .collect().asList()
                .invoke(done -> {
                    long created = done.stream().filter(n -> n == 1).count();
                    for (int i = 0; i < created; i++) {
                        metrics.authorization(ProvisioningAuthorization.DEVICE_CREDENTIAL, "granted");
                    }
                    LOG.infof("Provisioning for recovery %s: %s device=%s, %d device-credential authorisation(s)",
                            started.recoveryId(), AccountId.logId(started.accountId()), started.deviceId(), created);
                })
                .replaceWithVoid();
    }

    /** {@code recovery.push-key-authorized.v1}: the entry may register a push key, and its credential wakes up. */
    public Uni<Void> pushKeyAuthorized(RecoveryEvents.PushKeyAuthorized event) {
        if (event.recoveryId() == null || event.accountId() == null || event.entryRef() == null
                || event.deviceId() == null || event.expiresAt() == null) {
            throw new PoisonEventException(RecoveryEvents.PUSH_KEY_AUTHORIZED
                    + " without recovery, account, entry, device or expiry");
        }
        return insert(event.accountId(), event.recoveryId(), event.entryRef(), event.deviceId(),
                ProvisioningAuthorization.PUSH_KEY, true, event.expiresAt())
                .flatMap(inserted -> Panache.getSession().flatMap(session -> session.createNativeQuery("""
                        UPDATE provisioning_authorization SET active = true
                         WHERE recovery_id = :recovery AND entry_ref = :entry AND kind = 'device_credential'
                           AND active = false AND revoked_at IS NULL""")
                        .setParameter("recovery", event.recoveryId())
                        .setParameter("entry", event.entryRef())
                        .executeUpdate())
                        .invoke(activated -> {
                            if (inserted == 1) {
                                metrics.authorization(ProvisioningAuthorization.PUSH_KEY, "granted");
                            }
                            LOG.infof("Push key authorised: %s recovery=%s entry=%s device=%s credential-activated=%s",
                                    AccountId.logId(event.accountId()), event.recoveryId(), event.entryRef(),
                                    event.deviceId(), activated == 1);
                        }))
                .replaceWithVoid();
    }

    /** The recovery ended (completed, expired, cancelled): what it authorised and was not used is revoked. */
    public Uni<Void> ended(String type, RecoveryEvents.Ended ended) {
        if (ended.recoveryId() == null) {
            throw new PoisonEventException(type + " without a recovery id");
        }
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                        UPDATE provisioning_authorization SET revoked_at = :now
                         WHERE recovery_id = :recovery AND consumed_at IS NULL AND revoked_at IS NULL""")
                        .setParameter("now", now(clock))
                        .setParameter("recovery", ended.recoveryId())
                        .executeUpdate())
                .invoke(revoked -> {
                    if (revoked > 0) {
                        LOG.infof("Provisioning revoked: recovery=%s (%s) %d authorisation(s)", ended.recoveryId(),
                                type, revoked);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Integer> insert(String accountId, UUID recoveryId, String entryRef, String deviceId, String kind,
            boolean active, Instant expiresAt) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO provisioning_authorization
                       (id, account_id, recovery_id, entry_ref, device_id, kind, nonce, active, created_at, expires_at)
                VALUES (:id, :account, :recovery, :entry, :device, :kind, :nonce, :active, :now, :expires)
                ON CONFLICT (recovery_id, entry_ref, kind) DO NOTHING""")
                .setParameter("id", UUID.randomUUID())
                .setParameter("account", accountId)
                .setParameter("recovery", recoveryId)
                .setParameter("entry", entryRef)
                .setParameter("device", deviceId)
                .setParameter("kind", kind)
                .setParameter("nonce", nonce)
                .setParameter("active", active)
                .setParameter("now", now(clock))
                .setParameter("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .executeUpdate());
    }

    /** What this device of this account may register now. */
    public Uni<List<ProvisioningAuthorization>> usable(AccountId account, String deviceId) {
        return ProvisioningAuthorization.usableFor(account.value(), deviceId, now(clock));
    }
}
