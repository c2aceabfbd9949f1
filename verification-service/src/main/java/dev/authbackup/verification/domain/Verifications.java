package dev.authbackup.verification.domain;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Step-up verifications: start one for a recovery entry, then either prove an alternate email/phone and
 * enter the one-time code sent there ({@code password_and_proof}), or redeem an activation code
 * ({@code activation_code}). Success is recorded with its {@code verification.succeeded.v1} in one
 * transaction. Redis holds the code hashes and limits; PostgreSQL the records, audit and outbox.
 */
@ApplicationScoped
public class Verifications {

    private static final Logger LOG = Logger.getLogger(Verifications.class);
    private static final TypeReference<List<Map<String, String>>> ENTRIES = new TypeReference<>() {
    };
    static final String STEP_UP = "step-up";
    static final String ACTIVATION = "activation";

    private final VerificationConfig config;
    private final ChallengeStore challenges;
    private final CodeCrypto crypto;
    private final Outbox outbox;
    private final Audit audit;
    private final VerificationMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    public Verifications(VerificationConfig config, ChallengeStore challenges, CodeCrypto crypto, Outbox outbox,
            Audit audit, VerificationMetrics metrics, ObjectMapper json, Clock clock) {
        this.config = config;
        this.challenges = challenges;
        this.crypto = crypto;
        this.outbox = outbox;
        this.audit = audit;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    /** A started verification and the proofs the user may choose from (password_and_proof only). */
    public record Started(Verification verification, List<SecurityInfo> proofs) {
    }

    /** Where a code went and until when it is valid. */
    public record CodeSent(Verification verification, OffsetDateTime codeExpiresAt) {
    }

    // ---------------------------------------------------------------- start

    public Uni<Started> start(AccountId account, UUID recoveryId, String entryRef, String deviceId, String method) {
        OffsetDateTime now = now();
        return Panache.withTransaction(() -> RecoveryProjection.<RecoveryProjection>findById(recoveryId)
                .flatMap(recovery -> {
                    String kind = entryKind(recovery, account, deviceId, entryRef, now);
                    String expected = "work_school".equals(kind) ? Verification.ACTIVATION_CODE
                            : Verification.PASSWORD_AND_PROOF;
                    if (!expected.equals(method)) {
                        throw VerificationProblems.wrongMethod(expected);
                    }
                    return Verification.count("recoveryId = ?1 and entryRef = ?2 and deviceId = ?3 and status = ?4",
                            recoveryId, entryRef, deviceId, Verification.VERIFIED);
                })
                .flatMap(verified -> {
                    if (verified > 0) {
                        throw VerificationProblems.alreadyVerified();
                    }
                    return Verification.PASSWORD_AND_PROOF.equals(method)
                            ? SecurityInfo.<SecurityInfo>list("accountId = ?1 and confirmed = true order by createdAt, id",
                                    account.value())
                            : Uni.createFrom().item(List.<SecurityInfo>of());
                })
                .flatMap(proofs -> {
                    if (Verification.PASSWORD_AND_PROOF.equals(method) && proofs.isEmpty()) {
                        throw VerificationProblems.noConfirmedProof();
                    }
                    Verification v = new Verification();
                    v.id = UUID.randomUUID();
                    v.accountId = account.value();
                    v.recoveryId = recoveryId;
                    v.entryRef = entryRef;
                    v.deviceId = deviceId;
                    v.method = method;
                    v.status = Verification.PASSWORD_AND_PROOF.equals(method) ? Verification.PROOF_REQUIRED
                            : Verification.ACTIVATION_REQUIRED;
                    v.createdAt = now;
                    v.expiresAt = now.plus(config.verificationTtl());
                    return v.persist()
                            .call(() -> audit.record(account.value(), Audit.START, Audit.SUCCESS, v.id, recoveryId, method))
                            .replaceWith(new Started(v, proofs));
                }))
                .invoke(started -> {
                    metrics.started(method);
                    LOG.infof("Verification %s started (%s) for %s", started.verification().id, method, account.logId());
                })
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.START, e, null, method));
    }

    /** The entry's kind when this account may verify it on this device now; 404 for anything else. */
    private String entryKind(RecoveryProjection recovery, AccountId account, String deviceId, String entryRef,
            OffsetDateTime now) {
        if (recovery == null || !recovery.accountId.equals(account.value()) || !recovery.deviceId.equals(deviceId)
                || !RecoveryProjection.ACTIVE.equals(recovery.status) || !recovery.expiresAt.isAfter(now)) {
            throw Problems.notFound("There is no active recovery with that id on this device.");
        }
        try {
            return json.readValue(recovery.entries, ENTRIES).stream()
                    .filter(e -> entryRef.equals(e.get("ref")))
                    .map(e -> e.get("kind"))
                    .findFirst()
                    .orElseThrow(() -> Problems.notFound("That entry of the recovery needs no verification."));
        } catch (ProblemException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Unreadable projected entries", e);
        }
    }

    // ---------------------------------------------------------------- read

    public Uni<Verification> get(AccountId account, UUID id) {
        return Panache.withSession(() -> owned(account, id))
                .flatMap(v -> v.isOpen() && !v.expiresAt.isAfter(now()) ? expire(v).replaceWith(v) : Uni.createFrom().item(v));
    }

    private Uni<Verification> owned(AccountId account, UUID id) {
        return Verification.findOwned(id, account.value()).map(v -> {
            if (v == null) {
                throw Problems.notFound("There is no verification with that id.");
            }
            return v;
        });
    }

    /** The verification when it may take {@code step} now: open, not expired, of the method, in the status. */
    private Uni<Verification> openFor(AccountId account, UUID id, String method, String... statuses) {
        return Panache.withSession(() -> owned(account, id)).flatMap(v -> {
            if (Verification.VERIFIED.equals(v.status)) {
                return Uni.createFrom().failure(VerificationProblems.alreadyVerified());
            }
            if (!v.isOpen()) {
                return Uni.createFrom().failure(VerificationProblems.expired(
                        "This verification has ended (" + v.status + "); start a new one."));
            }
            if (!v.expiresAt.isAfter(now())) {
                return expire(v).replaceWith(Uni.createFrom().failure(VerificationProblems.expired(
                        "This verification expired; start a new one.")));
            }
            if (!method.equals(v.method)) {
                return Uni.createFrom().failure(VerificationProblems.wrongStep("This verification uses " + v.method + "."));
            }
            if (!List.of(statuses).contains(v.status)) {
                return Uni.createFrom().failure(VerificationProblems.wrongStep(
                        "This verification is " + v.status + "; send the proof first."));
            }
            return Uni.createFrom().item(v);
        });
    }

    /** Ends an open verification that ran out of time, with its verification.failed.v1. */
    private Uni<Void> expire(Verification v) {
        return end(v, Verification.EXPIRED, "expired").invoke(ended -> {
            if (ended) {
                v.status = Verification.EXPIRED;
                metrics.failed("expired");
            }
        }).replaceWithVoid();
    }

    /** Moves an open verification to a final failure status; false when it was no longer open. */
    private Uni<Boolean> end(Verification v, String status, String reason) {
        OffsetDateTime now = now();
        return Panache.withTransaction(() -> Verification.update(
                        "status = ?1, endedReason = ?2 where id = ?3 and status in (?4, ?5, ?6)", status, reason, v.id,
                        Verification.PROOF_REQUIRED, Verification.ACTIVATION_REQUIRED, Verification.CODE_SENT)
                .flatMap(updated -> updated == 0 ? Uni.createFrom().item(false)
                        : outbox.publish(VerificationEvents.TOPIC, v.accountId, VerificationEvents.FAILED, v.id.toString(),
                                        new VerificationEvents.Failed(v.id, v.recoveryId, v.accountId, v.entryRef,
                                                v.deviceId, reason, now.toInstant()))
                                .replaceWith(true)));
    }

    // ---------------------------------------------------------------- password_and_proof

    /** Checks the typed value against the chosen proof; on a match, sends a one-time code there. */
    public Uni<CodeSent> submitProof(AccountId account, UUID id, UUID proofId, String value) {
        return openFor(account, id, Verification.PASSWORD_AND_PROOF, Verification.PROOF_REQUIRED, Verification.CODE_SENT)
                .call(v -> takeFailure(account))
                .flatMap(v -> Panache.withSession(() -> proofId == null ? Uni.createFrom().nullItem()
                                : SecurityInfo.findOwned(proofId, account.value()))
                        .flatMap(proof -> {
                            if (proof == null || !proof.confirmed || !matches(proof, value)) {
                                // The unit taken from the failure limit stays taken: a mismatch is a failure.
                                return Uni.createFrom().failure(VerificationProblems.proofMismatch());
                            }
                            return challenges.giveBack(Limit.failures, account.value())
                                    .chain(() -> sendCode(account, v, proof));
                        }))
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.PROOF, e, id, Verification.PASSWORD_AND_PROOF));
    }

    private boolean matches(SecurityInfo proof, String typed) {
        String normalised;
        try {
            normalised = proof.type.normalise(typed);
        } catch (ProblemException notEvenAnAddress) {
            return false;
        }
        return crypto.sameValue(normalised, proof.value);
    }

    private Uni<CodeSent> sendCode(AccountId account, Verification v, SecurityInfo proof) {
        OffsetDateTime now = now();
        OffsetDateTime codeExpiresAt = now.plus(config.codeTtl());
        String code = crypto.digits(8);
        String hash = crypto.hash(STEP_UP, v.id.toString(), code);
        String key = ChallengeStore.codeKey(STEP_UP, v.id);
        return challenges.take(Limit.code_sends, account.value(), config.limits().sendsPerAccount(),
                        config.limits().sendWindow())
                // Live until codeExpiresAt, which the verification outlives (expiresAt below), not codeTtl from now.
                .chain(() -> challenges.storeCode(key, hash, account.value(), Duration.between(now(), codeExpiresAt)))
                .chain(() -> Panache.withTransaction(() -> Verification.update(
                                "status = ?1, proofId = ?2, expiresAt = ?3 where id = ?4 and status in (?5, ?6)",
                                Verification.CODE_SENT, proof.id, later(v.expiresAt, codeExpiresAt), v.id,
                                Verification.PROOF_REQUIRED, Verification.CODE_SENT)
                        .flatMap(updated -> {
                            if (updated == 0) {
                                throw VerificationProblems.expired("This verification has ended; start a new one.");
                            }
                            return outbox.publish(VerificationEvents.DELIVERY_TOPIC, account.value(),
                                    VerificationEvents.CODE_DELIVERY, v.id.toString(),
                                    new VerificationEvents.CodeDelivery(UUID.randomUUID(), account.value(),
                                            proof.type.channel(), proof.value, code, "step_up", codeExpiresAt.toInstant()));
                        })
                        .call(() -> audit.record(account.value(), Audit.PROOF, Audit.SUCCESS, v.id, proof.id, v.method)))
                        // No code was sent: the one stored for it must not be checkable (a wrong guess would count).
                        .onFailure().call(() -> challenges.forgetCode(key).onFailure().recoverWithNull()))
                .map(ignored -> {
                    metrics.codeSent(proof.type.channel(), "step_up");
                    LOG.infof("Verification %s: proof matched, code sent by %s for %s", v.id, proof.type.channel(),
                            account.logId());
                    v.status = Verification.CODE_SENT;
                    return new CodeSent(v, codeExpiresAt);
                });
    }

    /** Checks a one-time code: the first correct submission verifies, every other one is refused. */
    public Uni<Verification> submitCode(AccountId account, UUID id, String code) {
        String typed = crypto.hash(STEP_UP, id.toString(), code == null ? "" : code.trim());
        // Redis first: a wrong code (the path a brute-force attempt takes) is refused without a database read.
        return checkCode(account, id, typed, false)
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.CODE, e, id, Verification.PASSWORD_AND_PROOF));
    }

    private Uni<Verification> checkCode(AccountId account, UUID id, String typed, boolean ownerChecked) {
        return challenges.checkCode(Limit.failures, account.value(), config.limits().failuresPerAccount(),
                        config.limits().failureWindow(), ChallengeStore.codeKey(STEP_UP, id), typed, config.maxWrongCodes(),
                        ownerChecked, audit.row(account.value(), Audit.CODE, VerificationProblems.INVALID_CODE, id, null,
                                Verification.PASSWORD_AND_PROOF))
                .flatMap(check -> switch (check.outcome()) {
                    case MATCHED -> openFor(account, id, Verification.PASSWORD_AND_PROOF, Verification.CODE_SENT)
                            .flatMap(v -> verified(account, v, null));
                    // No live code of this account's: openFor answers why (404, 409, 410), as for every other step;
                    // if the verification is still waiting for its code, that code expired, was used or burned.
                    case GONE -> openFor(account, id, Verification.PASSWORD_AND_PROOF, Verification.CODE_SENT)
                            .flatMap(v -> Uni.createFrom().<Verification>failure(VerificationProblems.expired(
                                    "The code expired or was already used; send the proof again for a new one.")));
                    // A code sent before a rolling update: the database says whose challenge it is, then it is checked.
                    case UNBOUND -> openFor(account, id, Verification.PASSWORD_AND_PROOF, Verification.CODE_SENT)
                            .flatMap(v -> checkCode(account, id, typed, true));
                    case WRONG -> wrongCode(account, id, check.wrongGuesses());
                });
    }

    private Uni<Verification> wrongCode(AccountId account, UUID id, int wrong) {
        int remaining = Math.max(0, config.maxWrongCodes() - wrong);
        if (remaining > 0) {
            return Uni.createFrom().failure(VerificationProblems.invalidCode(remaining));
        }
        return Panache.withSession(() -> owned(account, id)).flatMap(v -> end(v, Verification.FAILED, "burned").invoke(ended -> {
            if (ended) {
                metrics.failed("burned");
                LOG.infof("Verification %s burned after %d wrong codes for %s", v.id, wrong, AccountId.logId(v.accountId));
            }
        }))
                // The script deleted the burned code; one sent again meanwhile must not outlive its verification either.
                .call(() -> challenges.delete(ChallengeStore.codeKey(STEP_UP, id)).onFailure().recoverWithNull())
                .replaceWith(Uni.createFrom().failure(VerificationProblems.invalidCode(0)));
    }

    // ---------------------------------------------------------------- activation_code

    /**
     * Redeems a tenant admin's activation code for this verification. The code is bound to its tenant
     * and UPN by its keyed hash; it binds to the account that redeems it first, and is dead after that.
     */
    public Uni<Verification> redeemActivation(AccountId account, UUID id, String tenant, String upn, String code) {
        String normalisedUpn = upn == null ? "" : upn.trim().toLowerCase(Locale.ROOT);
        String hash = crypto.hash(ACTIVATION, tenant + "|" + normalisedUpn, code == null ? "" : code.trim());
        return openFor(account, id, Verification.ACTIVATION_CODE, Verification.ACTIVATION_REQUIRED)
                .call(v -> challenges.take(Limit.activation_attempts, "tenant|" + tenant,
                        config.limits().activationAttemptsPerTenant(), config.limits().activationWindow()))
                .call(v -> takeFailure(account))
                .flatMap(v -> Panache.withTransaction(() -> ActivationCode
                                .<ActivationCode>find("tenant = ?1 and upn = ?2 and codeHash = ?3", tenant, normalisedUpn, hash)
                                .firstResult()
                                .flatMap(found -> redeem(account, v, found, hash)))
                        .call(verified -> challenges.giveBack(Limit.failures, account.value())
                                .onFailure().recoverWithNull()))
                .onFailure(ProblemException.class).call(e -> refused(account, Audit.ACTIVATION, e, id, Verification.ACTIVATION_CODE));
    }

    private Uni<Verification> redeem(AccountId account, Verification v, ActivationCode found, String hash) {
        OffsetDateTime now = now();
        if (found == null || !CodeCrypto.same(found.codeHash, hash)) {
            throw VerificationProblems.invalidActivationCode();
        }
        if (found.revokedAt != null) {
            throw VerificationProblems.activationCodeGone(VerificationProblems.ACTIVATION_CODE_REVOKED,
                    "The admin revoked this activation code; ask for a new one.");
        }
        if (found.usedAt != null) {
            throw VerificationProblems.activationCodeGone(VerificationProblems.ACTIVATION_CODE_USED,
                    "This activation code was already used; ask for a new one.");
        }
        if (!found.expiresAt.isAfter(now)) {
            throw VerificationProblems.activationCodeGone(VerificationProblems.ACTIVATION_CODE_EXPIRED,
                    "This activation code expired; ask for a new one.");
        }
        return ActivationCode.update("""
                        usedAt = ?1, usedByAccount = ?2, verificationId = ?3, qrSealed = null
                        where id = ?4 and usedAt is null and revokedAt is null and expiresAt > ?1""",
                        now, account.value(), v.id, found.id)
                .flatMap(updated -> {
                    if (updated == 0) {
                        throw VerificationProblems.activationCodeGone(VerificationProblems.ACTIVATION_CODE_USED,
                                "This activation code was already used; ask for a new one.");
                    }
                    return verified(account, v, found.id);
                });
    }

    // ---------------------------------------------------------------- shared

    /** Records success and its event in one transaction (joins the caller's transaction if there is one). */
    private Uni<Verification> verified(AccountId account, Verification v, UUID activationCodeId) {
        OffsetDateTime now = now();
        return Panache.withTransaction(() -> Verification.update("""
                        status = ?1, verifiedAt = ?2, activationCodeId = ?3 where id = ?4 and status in (?5, ?6)""",
                        Verification.VERIFIED, now, activationCodeId, v.id,
                        Verification.CODE_SENT, Verification.ACTIVATION_REQUIRED)
                .flatMap(updated -> {
                    if (updated == 0) {
                        throw VerificationProblems.expired("This verification has ended; start a new one.");
                    }
                    return outbox.publish(VerificationEvents.TOPIC, v.accountId, VerificationEvents.SUCCEEDED,
                            v.id.toString(), new VerificationEvents.Succeeded(v.id, v.recoveryId, v.accountId,
                                    v.entryRef, v.deviceId, v.method, now.toInstant()));
                })
                .call(() -> audit.record(account.value(), v.method.equals(Verification.ACTIVATION_CODE)
                        ? Audit.ACTIVATION : Audit.CODE, Audit.SUCCESS, v.id, activationCodeId, v.method)))
                .map(ignored -> {
                    v.status = Verification.VERIFIED;
                    v.verifiedAt = now;
                    metrics.succeeded(v.method);
                    LOG.infof("Verification %s verified (%s) for %s", v.id, v.method, account.logId());
                    return v;
                });
    }

    /** Takes one unit of the account's failure limit up front (given back when the attempt succeeds). */
    private Uni<Void> takeFailure(AccountId account) {
        return challenges.take(Limit.failures, account.value(), config.limits().failuresPerAccount(),
                config.limits().failureWindow());
    }

    /** Audits and counts a refused attempt (its own transaction: the attempt's rolled back). */
    private Uni<Void> refused(AccountId account, String action, Throwable failure, UUID verificationId, String method) {
        ProblemException problem = (ProblemException) failure;
        if (!Audit.START.equals(action)) {
            metrics.failed(problem.type()); // failed attempts at a step; refused starts are only audited
        }
        // Concatenated rather than infof: a storm of wrong codes logs this line each time, and String.format's parsing
        // was 2.8 % of the CPU (JFR).
        LOG.info(action + " refused (" + problem.type() + ") for " + account.logId());
        return audit.refused(account.value(), action, problem, verificationId, null, method).onFailure().recoverWithNull();
    }

    private static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
        return a.isAfter(b) ? a : b;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
