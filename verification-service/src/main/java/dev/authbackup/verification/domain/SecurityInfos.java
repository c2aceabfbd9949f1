package dev.authbackup.verification.domain;

import dev.authbackup.common.outbox.Outbox;
import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.AccountId;
import dev.authbackup.verification.config.VerificationConfig;
import dev.authbackup.verification.domain.VerificationProblems.Limit;
import dev.authbackup.verification.messaging.VerificationEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * An account's security info: adding a proof sends it a confirmation code; adding and removing one
 * notify the account's other confirmed proofs on their own channel (so that a thief who adds their
 * own phone is noticed). Every change is announced on verification.events without value or hint.
 */
@ApplicationScoped
public class SecurityInfos {

    private static final Logger LOG = Logger.getLogger(SecurityInfos.class);
    static final String PURPOSE = "security-info";
    /** At most this many emails and phones per account. */
    static final int MAX_PROOFS = 10;

    private final VerificationConfig config;
    private final ChallengeStore challenges;
    private final CodeCrypto crypto;
    private final Outbox outbox;
    private final Audit audit;
    private final VerificationMetrics metrics;
    private final Clock clock;

    public SecurityInfos(VerificationConfig config, ChallengeStore challenges, CodeCrypto crypto, Outbox outbox,
            Audit audit, VerificationMetrics metrics, Clock clock) {
        this.config = config;
        this.challenges = challenges;
        this.crypto = crypto;
        this.outbox = outbox;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Uni<List<SecurityInfo>> list(AccountId account) {
        return Panache.withSession(() -> SecurityInfo.ofAccount(account.value()));
    }

    /** Adds an unconfirmed proof and sends it a confirmation code. The caller checked the fresh sign-in. */
    public Uni<SecurityInfo> add(AccountId account, ProofType type, String rawValue) {
        String value = type.normalise(rawValue);
        OffsetDateTime now = now();
        SecurityInfo proof = new SecurityInfo();
        proof.id = UUID.randomUUID();
        proof.accountId = account.value();
        proof.type = type;
        proof.value = value;
        proof.hint = type.hint(value);
        proof.confirmed = false;
        proof.createdAt = now;
        String code = crypto.digits(8);
        OffsetDateTime codeExpiresAt = now.plus(config.codeTtl());
        return Panache.withSession(() -> SecurityInfo.ofAccount(account.value()))
                .invoke(existing -> {
                    if (existing.stream().anyMatch(p -> p.type == type && p.value.equals(value))) {
                        throw VerificationProblems.securityInfoExists();
                    }
                    if (existing.size() >= MAX_PROOFS) {
                        throw VerificationProblems.tooManyProofs(MAX_PROOFS);
                    }
                })
                .call(() -> challenges.take(Limit.code_sends, account.value(), config.limits().sendsPerAccount(),
                        config.limits().sendWindow()))
                .call(() -> challenges.storeCode(ChallengeStore.codeKey(PURPOSE, proof.id),
                        crypto.hash(PURPOSE, proof.id.toString(), code), account.value(), config.codeTtl()))
                .flatMap(existing -> Panache.withTransaction(() -> proof.<SecurityInfo>persistAndFlush()
                        .call(() -> outbox.publish(VerificationEvents.DELIVERY_TOPIC, account.value(),
                                VerificationEvents.CODE_DELIVERY, proof.id.toString(),
                                new VerificationEvents.CodeDelivery(UUID.randomUUID(), account.value(),
                                        type.channel(), value, code, "confirm_security_info", codeExpiresAt.toInstant())))
                        .call(() -> notifyOthers(account, existing, proof, "security_info_added", now))
                        .call(() -> changed(account, proof, "added", now))
                        .call(() -> audit.record(account.value(), Audit.SECURITY_INFO_ADD, Audit.SUCCESS, null, proof.id, null))))
                // Two concurrent adds of one value: the unique key lets one in, the other is the same 409.
                .onFailure(SecurityInfos::isUniqueViolation).transform(e -> VerificationProblems.securityInfoExists())
                .map(ignored -> {
                    metrics.codeSent(type.channel(), "confirm_security_info");
                    LOG.infof("Security info %s (%s) added for %s; confirmation code sent", proof.id, type, account.logId());
                    return proof;
                })
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.SECURITY_INFO_ADD, e, null));
    }

    /** Confirms a proof with the code sent to it: 5 wrong codes burn it (remove and add it again). */
    public Uni<SecurityInfo> confirm(AccountId account, UUID id, String code) {
        String key = ChallengeStore.codeKey(PURPOSE, id);
        return Panache.withSession(() -> SecurityInfo.findOwned(id, account.value()))
                .invoke(proof -> {
                    if (proof == null) {
                        throw noSuchInfo();
                    }
                    if (proof.confirmed) {
                        throw VerificationProblems.alreadyConfirmed();
                    }
                })
                .flatMap(proof -> challenges.checkCode(Limit.failures, account.value(), config.limits().failuresPerAccount(),
                                config.limits().failureWindow(), key,
                                crypto.hash(PURPOSE, id.toString(), code == null ? "" : code.trim()), config.maxWrongCodes(),
                                true, // the proof is this account's (above)
                                audit.row(account.value(), Audit.SECURITY_INFO_CONFIRM, VerificationProblems.INVALID_CODE, null,
                                        id, null))
                        .flatMap(check -> switch (check.outcome()) {
                            case MATCHED -> confirmed(account, proof);
                            case GONE, UNBOUND -> Uni.createFrom().failure(VerificationProblems.expired(
                                    "The confirmation code expired or was used up; remove this email or phone and add it again."));
                            case WRONG -> Uni.createFrom().failure(
                                    VerificationProblems.invalidCode(Math.max(0, config.maxWrongCodes() - check.wrongGuesses())));
                        }))
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.SECURITY_INFO_CONFIRM, e, id));
    }

    private static ProblemException noSuchInfo() {
        return Problems.notFound("There is no security info with that id.");
    }

    /** After an update or delete of one proof: 404 when no row changed (another request changed it first). */
    private static void stillThere(Number rowsChanged) {
        if (rowsChanged.longValue() == 0) {
            throw noSuchInfo();
        }
    }

    private Uni<SecurityInfo> confirmed(AccountId account, SecurityInfo proof) {
        OffsetDateTime now = now();
        return Panache.withTransaction(() -> SecurityInfo.update(
                        "confirmed = true, confirmedAt = ?1 where id = ?2 and confirmed = false", now, proof.id)
                .invoke(SecurityInfos::stillThere) // removed since it was read: no change, so no event
                .call(() -> changed(account, proof, "confirmed", now))
                .call(() -> audit.record(account.value(), Audit.SECURITY_INFO_CONFIRM, Audit.SUCCESS, null, proof.id, null)))
                .map(ignored -> {
                    proof.confirmed = true;
                    proof.confirmedAt = now;
                    LOG.infof("Security info %s confirmed for %s", proof.id, account.logId());
                    return proof;
                });
    }

    /** Removes a proof and tells the account's remaining confirmed proofs. The caller checked the fresh sign-in. */
    public Uni<Void> remove(AccountId account, UUID id) {
        OffsetDateTime now = now();
        return Panache.withTransaction(() -> SecurityInfo.ofAccount(account.value()).flatMap(all -> {
                    SecurityInfo proof = all.stream().filter(p -> p.id.equals(id)).findFirst()
                            .orElseThrow(SecurityInfos::noSuchInfo);
                    List<SecurityInfo> others = all.stream().filter(p -> !p.id.equals(id)).toList();
                    return SecurityInfo.delete("id = ?1 and accountId = ?2", id, account.value())
                            // A concurrent removal deleted it first and told the others.
                            .invoke(SecurityInfos::stillThere)
                            .call(() -> notifyOthers(account, others, proof, "security_info_removed", now))
                            .call(() -> changed(account, proof, "removed", now))
                            .call(() -> audit.record(account.value(), Audit.SECURITY_INFO_REMOVE, Audit.SUCCESS, null, id, null));
                }))
                // A pending confirmation code of a removed proof is worthless; dropping it is only tidiness.
                .call(() -> challenges.delete(ChallengeStore.codeKey(PURPOSE, id)).onFailure().recoverWithNull())
                .invoke(() -> LOG.infof("Security info %s removed for %s", id, account.logId()))
                .replaceWithVoid()
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.SECURITY_INFO_REMOVE, e, id));
    }

    /** One notice per other confirmed proof, on the delivery topic (they carry a hint, never a code). */
    private Uni<Void> notifyOthers(AccountId account, List<SecurityInfo> others, SecurityInfo changed, String notice,
            OffsetDateTime now) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (SecurityInfo other : others) {
            if (!other.confirmed || other.id.equals(changed.id)) {
                continue;
            }
            all = all.call(() -> outbox.publish(VerificationEvents.DELIVERY_TOPIC, account.value(),
                    VerificationEvents.NOTICE_DELIVERY, other.id.toString(),
                    new VerificationEvents.NoticeDelivery(UUID.randomUUID(), account.value(), other.type.channel(),
                            other.value, notice, changed.hint, now.toInstant())));
        }
        return all;
    }

    private Uni<UUID> changed(AccountId account, SecurityInfo proof, String change, OffsetDateTime now) {
        return outbox.publish(VerificationEvents.TOPIC, account.value(), VerificationEvents.SECURITY_INFO_CHANGED,
                proof.id.toString(), new VerificationEvents.SecurityInfoChanged(account.value(), proof.id,
                        proof.type.name(), change, now.toInstant()));
    }

    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
                    || t instanceof org.hibernate.JDBCException jdbc && "23505".equals(jdbc.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private Uni<Void> refused(AccountId account, String action, Throwable failure, UUID subject) {
        ProblemException problem = (ProblemException) failure;
        LOG.infof("%s refused (%s) for %s", action, problem.type(), account.logId());
        return audit.refused(account.value(), action, problem, null, subject, null).onFailure().recoverWithNull();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
