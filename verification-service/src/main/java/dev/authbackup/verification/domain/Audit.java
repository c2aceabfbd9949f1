package dev.authbackup.verification.domain;

import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.CurrentAccount;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/**
 * The audit trail: one row per attempt, success or failure. Rows name what was tried and how it ended
 * (the problem type on failure), never a code, a proof value or a hint.
 */
@ApplicationScoped
public class Audit {

    // Actions.
    public static final String START = "verification.start";
    public static final String PROOF = "verification.proof";
    public static final String CODE = "verification.code";
    public static final String ACTIVATION = "verification.activation";
    public static final String SECURITY_INFO_ADD = "security-info.add";
    public static final String SECURITY_INFO_CONFIRM = "security-info.confirm";
    public static final String SECURITY_INFO_REMOVE = "security-info.remove";
    public static final String ACTIVATION_CODE_ISSUE = "activation-code.issue";
    public static final String ACTIVATION_CODE_REVOKE = "activation-code.revoke";

    public static final String SUCCESS = "success";

    private final Clock clock;
    private final Pool pool;

    public Audit(Clock clock, Pool pool) {
        this.clock = clock;
        this.pool = pool;
    }

    /** Adds a row inside the current transaction (with the state change it records). */
    public Uni<Void> record(String accountId, String action, String outcome, UUID verificationId, UUID subjectId,
            String method) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                INSERT INTO verification_audit (at, account_id, action, outcome, verification_id, subject_id, method)
                VALUES (:at, :account, :action, :outcome, :verification, :subject, :method)""")
                .setParameter("at", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .setParameter("account", accountId)
                .setParameter("action", action)
                .setParameter("outcome", outcome)
                .setParameter("verification", verificationId)
                .setParameter("subject", subjectId)
                .setParameter("method", method)
                .executeUpdate()).replaceWithVoid();
    }

    /**
     * The RFC 9470 step-up check, audited: without a fresh sign-in the attempt is recorded (outcome
     * insufficient-user-authentication) and fails with the 401 challenge.
     */
    public Uni<Void> requireFreshSignIn(CurrentAccount account, String action, UUID subjectId, String method) {
        if (account.signedInFreshly()) {
            return Uni.createFrom().voidItem();
        }
        ProblemException challenge = Problems.freshSignInRequired();
        return recordAlone(account.id().value(), action, challenge.type(), null, subjectId, method)
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().failure(challenge));
    }

    /**
     * Adds a row on its own (one statement, committed by itself): for refused attempts, whose own transaction
     * rolled back or never began. A wrong code costs this one round trip to the database, not three.
     */
    public Uni<Void> recordAlone(String accountId, String action, String outcome, UUID verificationId,
            UUID subjectId, String method) {
        return pool.preparedQuery("""
                INSERT INTO verification_audit (at, account_id, action, outcome, verification_id, subject_id, method)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(Arrays.asList(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                        accountId, action, outcome, verificationId, subjectId, method)))
                .replaceWithVoid();
    }
}
