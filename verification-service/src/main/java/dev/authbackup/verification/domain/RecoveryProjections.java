package dev.authbackup.verification.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.verification.messaging.RecoveryEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Keeps the projection of recoveries that verification needs; runs inside the consumer's transaction. */
@ApplicationScoped
public class RecoveryProjections {

    private static final Logger LOG = Logger.getLogger(RecoveryProjections.class);

    private final ObjectMapper json;
    private final Clock clock;
    private final ChallengeStore challenges;

    public RecoveryProjections(ObjectMapper json, Clock clock, ChallengeStore challenges) {
        this.json = json;
        this.clock = clock;
        this.challenges = challenges;
    }

    /** A started recovery: only the entries that need verification are kept. A replay changes nothing. */
    public Uni<Void> started(RecoveryEvents.Started event) {
        List<Map<String, String>> entries = event.entries().stream()
                .filter(e -> RecoveryEvents.VERIFICATION.equals(e.requirement()) && e.ref() != null)
                .map(e -> Map.of("ref", e.ref(), "kind", e.kind() == null ? "" : e.kind()))
                .toList();
        String entriesJson;
        try {
            entriesJson = json.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime expires = event.expiresAt() == null ? now.plusHours(24)
                : event.expiresAt().atOffset(ZoneOffset.UTC);
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO recovery_projection (recovery_id, account_id, device_id, platform, status, entries, expires_at, updated_at)
                VALUES (:id, :account, :device, :platform, 'active', :entries, :expires, :now)
                ON CONFLICT (recovery_id) DO NOTHING""")
                .setParameter("id", event.recoveryId())
                .setParameter("account", event.accountId())
                .setParameter("device", event.deviceId())
                .setParameter("platform", event.platform())
                .setParameter("entries", entriesJson)
                .setParameter("expires", expires)
                .setParameter("now", now)
                .executeUpdate())
                .invoke(() -> LOG.infof("Recovery %s projected for %s: %d entries need verification",
                        event.recoveryId(), AccountId.logId(event.accountId()), entries.size()))
                .replaceWithVoid();
    }

    /**
     * A recovery that completed, expired or was cancelled: no verification can start for it any more, and
     * its open verifications end (cancelled), so that no code can succeed for a recovery that is over. Their live
     * codes are deleted too, so that a guess is answered as for an ended verification (410), not as a wrong code. If
     * Redis is down then, such a code stays until its TTL: a guess counts as wrong, and the right code still fails
     * (its verification is checked in the database).
     */
    public Uni<Void> ended(RecoveryEvents.Ended event, String status) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                UPDATE recovery_projection SET status = :status, updated_at = :now
                 WHERE recovery_id = :id AND status = 'active'""")
                .setParameter("status", status)
                .setParameter("now", now)
                .setParameter("id", event.recoveryId())
                .executeUpdate()
                .flatMap(updated -> session.createNativeQuery("""
                        UPDATE verification SET status = 'cancelled', ended_reason = :reason
                         WHERE recovery_id = :id AND status IN ('proof_required', 'activation_required', 'code_sent')
                        RETURNING CAST(id AS text)""", String.class)
                        .setParameter("reason", "recovery_" + status)
                        .setParameter("id", event.recoveryId())
                        .getResultList()))
                .call(cancelled -> cancelled.isEmpty() ? Uni.createFrom().voidItem()
                        : challenges.delete(cancelled.stream().map(id -> ChallengeStore.codeKey(Verifications.STEP_UP, id))
                                .toArray(String[]::new))
                                // Inside the consumer's transaction: Redis may not hold it (nor the partition) for long.
                                .ifNoItem().after(Duration.ofMillis(500)).fail()
                                .onFailure().recoverWithNull())
                .invoke(() -> LOG.infof("Recovery %s is %s", event.recoveryId(), status))
                .replaceWithVoid();
    }
}
