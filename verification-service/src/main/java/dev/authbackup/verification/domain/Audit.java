package dev.authbackup.verification.domain;

import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.problem.Problems;
import dev.authbackup.common.security.CurrentAccount;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

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

    private static final int MAX_BATCH = 256;

    private final Clock clock;
    private final Pool pool;
    private final AuditStage stage;
    /** Refused attempts whose rows wait for the next batch; {@code writing} while a batch is being written. */
    private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    public Audit(Clock clock, Pool pool, AuditStage stage) {
        this.clock = clock;
        this.pool = pool;
        this.stage = stage;
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
     * Adds a row on its own, apart from any transaction: for refused attempts, whose own transaction rolled back or
     * never began. The row is staged in Redis ({@link AuditStage}) and moved to the table in batches, so a storm of
     * wrong codes does not wait for PostgreSQL commits: staged, it is as durable as the wrong-guess counts it
     * records, which live in the same Redis. With Redis unreachable it is written here directly (those refusals are
     * the 503s of a Redis outage). The caller goes on once the row is staged or written (or both failed).
     */
    public Uni<Void> recordAlone(String accountId, String action, String outcome, UUID verificationId,
            UUID subjectId, String method) {
        AuditRow row = row(accountId, action, outcome, verificationId, subjectId, method);
        return stage.stage(row).onFailure().recoverWithUni(() -> writeNow(row));
    }

    /**
     * Audits a refused attempt ({@link #recordAlone}), unless the refusal is a wrong code: the code check staged that
     * row itself, with the wrong guess it records ({@link ChallengeStore#checkCode}).
     */
    public Uni<Void> refused(String accountId, String action, ProblemException problem, UUID verificationId,
            UUID subjectId, String method) {
        if (VerificationProblems.INVALID_CODE.equals(problem.type())) {
            return Uni.createFrom().voidItem();
        }
        return recordAlone(accountId, action, problem.type(), verificationId, subjectId, method);
    }

    /** A row for an attempt made now. */
    public AuditRow row(String accountId, String action, String outcome, UUID verificationId, UUID subjectId,
            String method) {
        return new AuditRow(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), accountId, action, outcome,
                verificationId, subjectId, method);
    }

    /**
     * Writes a row now, in a batch with the others refused meanwhile (group commit): while one batch is being
     * written the next ones wait, and the next batch takes all of them in one statement and one commit.
     */
    private Uni<Void> writeNow(AuditRow row) {
        return Uni.createFrom().emitter(emitter -> {
            waiting.add(new Pending(row, emitter, Vertx.currentContext()));
            writeNextBatch();
        });
    }

    private record Pending(AuditRow row, UniEmitter<? super Void> caller, Context context) {
        void done(Throwable failure) {
            Runnable answer = failure == null ? () -> caller.complete(null) : () -> caller.fail(failure);
            if (context == null) {
                answer.run();
            } else {
                context.runOnContext(ignored -> answer.run()); // back on the caller's own request context
            }
        }
    }

    private void writeNextBatch() {
        if (!writing.compareAndSet(false, true)) {
            return; // the batch being written takes the rest when it is done
        }
        List<Pending> batch = new ArrayList<>();
        for (Pending next; batch.size() < MAX_BATCH && (next = waiting.poll()) != null; ) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            writing.set(false);
            if (!waiting.isEmpty()) {
                writeNextBatch(); // added after the poll, before the flag was down
            }
            return;
        }
        insert(pool, batch.stream().map(Pending::row).toList(), null)
                .subscribe().with(rows -> finish(batch, null), failure -> finish(batch, failure));
    }

    private void finish(List<Pending> batch, Throwable failure) {
        writing.set(false);
        batch.forEach(pending -> pending.done(failure));
        writeNextBatch();
    }

    /**
     * Inserts {@code rows} in one statement (one implicit transaction). {@code stagedIds}: each row's stream entry id,
     * or null for rows that were not staged; a row whose entry id is already in the table is skipped.
     */
    static Uni<Void> insert(Pool pool, List<AuditRow> rows, List<String> stagedIds) {
        int n = rows.size();
        OffsetDateTime[] at = new OffsetDateTime[n];
        String[] account = new String[n];
        String[] action = new String[n];
        String[] outcome = new String[n];
        UUID[] verification = new UUID[n];
        UUID[] subject = new UUID[n];
        String[] method = new String[n];
        String[] staged = new String[n];
        for (int i = 0; i < n; i++) {
            AuditRow row = rows.get(i);
            at[i] = row.at();
            account[i] = row.accountId();
            action[i] = row.action();
            outcome[i] = row.outcome();
            verification[i] = row.verificationId();
            subject[i] = row.subjectId();
            method[i] = row.method();
            staged[i] = stagedIds == null ? null : stagedIds.get(i);
        }
        return pool.preparedQuery("""
                INSERT INTO verification_audit (at, account_id, action, outcome, verification_id, subject_id, method,
                                                staged_id)
                SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[],
                                     $7::text[], $8::text[])
                ON CONFLICT (staged_id) DO NOTHING""")
                .execute(Tuple.from(new Object[] {at, account, action, outcome, verification, subject, method, staged}))
                .replaceWithVoid();
    }
}
