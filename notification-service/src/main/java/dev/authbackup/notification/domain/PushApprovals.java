package dev.authbackup.notification.domain;

import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.notification.config.NotificationConfig;
import dev.authbackup.notification.push.PushMessage;
import dev.authbackup.notification.push.PushSender;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sign-in approvals: a random challenge pushed to every push key of the account, answered by a device
 * with a signature over it. Push-bombing limits per account: at most {@code max-open} unanswered
 * approvals and {@code max-pushes} pushes per {@code window}.
 */
@ApplicationScoped
public class PushApprovals {

    private static final Logger LOG = Logger.getLogger(PushApprovals.class);
    private static final int CHALLENGE_BYTES = 32;

    private final PushSender pushes;
    private final NotificationConfig.Approvals config;
    private final NotificationMetrics metrics;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public PushApprovals(PushSender pushes, NotificationConfig config, NotificationMetrics metrics, Clock clock) {
        this.pushes = pushes;
        this.config = config.approvals();
        this.metrics = metrics;
        this.clock = clock;
    }

    public record Created(PushApproval approval, List<PushSender.Target> targets) {
    }

    /** Creates the approval (within the limits), then pushes it to every target; push failures are not fatal. */
    public Uni<Created> start(AccountId account) {
        return Panache.withTransaction(() -> create(account)).call(created -> {
            PushMessage message = new PushMessage(created.approval().id, challenge(created.approval()),
                    created.approval().expiresAt.toInstant());
            return Uni.join().all(created.targets().stream().map(t -> pushes.send(t, message)).toList())
                    .andCollectFailures();
        });
    }

    /** Inside the caller's transaction. */
    private Uni<Created> create(AccountId account) {
        OffsetDateTime now = Provisioning.now(clock);
        // One account's approvals are created one at a time, so that the limits hold under concurrency.
        return Panache.getSession().flatMap(session -> session.createNativeQuery(
                        "SELECT pg_advisory_xact_lock(hashtextextended(:account, 7))")
                        .setParameter("account", account.value()).getSingleResult())
                .flatMap(locked -> PushApproval.<PushApproval>list(
                        "accountId = ?1 and ((status = ?2 and expiresAt > ?3) or createdAt > ?4) order by createdAt",
                        account.value(), PushApproval.PENDING, now, now.minus(config.window())))
                .flatMap(recent -> {
                    List<PushApproval> open = recent.stream()
                            .filter(a -> PushApproval.PENDING.equals(a.status) && a.expiresAt.isAfter(now)).toList();
                    if (open.size() >= config.maxOpen()) {
                        throw limited(Duration.between(now, open.get(0).expiresAt), "At most " + config.maxOpen()
                                + " sign-in approvals may wait for an answer at once.");
                    }
                    List<PushApproval> inWindow = recent.stream()
                            .filter(a -> a.createdAt.isAfter(now.minus(config.window()))).toList();
                    int pushed = inWindow.stream().mapToInt(a -> a.pushes).sum();
                    if (pushed >= config.maxPushes()) {
                        throw limited(Duration.between(now, inWindow.get(0).createdAt.plus(config.window())),
                                "At most " + config.maxPushes() + " approval pushes per " + config.window().toMinutes()
                                        + " minutes.");
                    }
                    int budget = config.maxPushes() - pushed;
                    return PushKey.activeOf(account.value()).flatMap(keys -> {
                        if (keys.isEmpty()) {
                            throw NotificationProblems.noPushDevices();
                        }
                        List<PushSender.Target> targets = keys.stream().limit(budget)
                                .map(k -> new PushSender.Target(k.id, k.deviceId, k.provider, k.pushToken)).toList();
                        PushApproval approval = new PushApproval();
                        approval.id = UUID.randomUUID();
                        approval.accountId = account.value();
                        approval.challenge = new byte[CHALLENGE_BYTES];
                        random.nextBytes(approval.challenge);
                        approval.status = PushApproval.PENDING;
                        approval.pushes = targets.size();
                        approval.createdAt = now;
                        approval.expiresAt = now.plus(config.validFor());
                        return approval.persist().map(saved -> {
                            metrics.approval("created");
                            LOG.infof("Push approval created: %s approval=%s pushes=%d", account.logId(), approval.id,
                                    targets.size());
                            return new Created(approval, targets);
                        });
                    });
                });
    }

    private static dev.authbackup.common.problem.ProblemException limited(Duration wait, String detail) {
        return NotificationProblems.tooManyApprovals(Math.max(1, (wait.toMillis() + 999) / 1000), detail);
    }

    /**
     * The approvals pending for this device, as its push would have carried them: not answered yet (by any device),
     * unexpired, and started while this device had a key (so pushed to it).
     */
    public Uni<List<PushApproval>> pendingFor(AccountId account, String deviceId) {
        OffsetDateTime now = Provisioning.now(clock);
        return Panache.withSession(() -> PushApproval.list("""
                from PushApproval a where a.accountId = ?1 and a.status = ?4 and a.expiresAt > ?2
                 and exists (from PushKey k where k.accountId = ?1 and k.deviceId = ?3 and k.revokedAt is null
                             and k.createdAt <= a.createdAt)
                 order by a.createdAt""", account.value(), now, deviceId, PushApproval.PENDING));
    }

    /** A device's answer, signed by one of its registered keys; answers the status this answer records. */
    @WithTransaction
    public Uni<String> respond(AccountId account, UUID approvalId, String deviceId, UUID keyId, boolean approve,
            String signature) {
        OffsetDateTime now = Provisioning.now(clock);
        return PushApproval.<PushApproval>findById(approvalId, LockModeType.PESSIMISTIC_WRITE).flatMap(approval -> {
            if (approval == null || !approval.accountId.equals(account.value())) {
                throw Problems.notFound("This account has no sign-in approval with that id.");
            }
            if (!now.isBefore(approval.expiresAt)) {
                throw NotificationProblems.approvalExpired();
            }
            return PushKey.activeOf(account.value(), deviceId, keyId).flatMap(key -> {
                if (key == null) {
                    throw NotificationProblems.keyNotRegistered();
                }
                ECPublicKey publicKey = ProofOfPossession.p256Key(key.publicKey);
                ProofOfPossession.verify(publicKey, approval.challenge, signature, "the approval challenge");
                return PushApprovalResponse.<PushApprovalResponse>find("approvalId = ?1 and keyId = ?2", approvalId,
                        keyId).firstResult().flatMap(existing -> {
                    if (existing != null) {
                        throw NotificationProblems.approvalAnswered();
                    }
                    PushApprovalResponse response = new PushApprovalResponse();
                    response.approvalId = approvalId;
                    response.keyId = keyId;
                    response.deviceId = deviceId;
                    response.approve = approve;
                    response.respondedAt = now;
                    String status = approve ? PushApproval.APPROVED : PushApproval.DENIED;
                    if (PushApproval.PENDING.equals(approval.status)) {
                        approval.status = status;
                    }
                    return response.persist().invoke(saved -> {
                        metrics.approval(status);
                        LOG.infof("Push approval %s: %s approval=%s device=%s key=%s", status, account.logId(),
                                approvalId, deviceId, keyId);
                    }).replaceWith(status);
                });
            });
        });
    }

    public static String challenge(PushApproval approval) {
        return Base64.getEncoder().encodeToString(approval.challenge);
    }
}
