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
import java.util.Arrays;
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
    /** Refused attempts whose rows wait for the next batch; {@code writing} while a batch is being written. */
    private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

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
     * Adds a row on its own, committed apart from any transaction: for refused attempts, whose own transaction
     * rolled back or never began. Rows from attempts refused at the same time are committed together (group
     * commit): while one batch is being written the next ones wait, and the next batch takes all of them in one
     * round trip and one commit. Under a storm of wrong codes this is what keeps the audit from being the limit;
     * alone, a row is written at once. Each caller goes on only when its row is committed (or failed).
     */
    public Uni<Void> recordAlone(String accountId, String action, String outcome, UUID verificationId,
            UUID subjectId, String method) {
        return Uni.createFrom().emitter(emitter -> {
            waiting.add(new Pending(Tuple.from(Arrays.asList(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                    accountId, action, outcome, verificationId, subjectId, method)), emitter, Vertx.currentContext()));
            writeNextBatch();
        });
    }

    private record Pending(Tuple row, UniEmitter<? super Void> caller, Context context) {
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
        // One Sync for the whole batch: PostgreSQL runs it as one implicit transaction, one commit.
        pool.preparedQuery("""
                INSERT INTO verification_audit (at, account_id, action, outcome, verification_id, subject_id, method)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .executeBatch(batch.stream().map(Pending::row).toList())
                .subscribe().with(rows -> finish(batch, null), failure -> finish(batch, failure));
    }

    private void finish(List<Pending> batch, Throwable failure) {
        writing.set(false);
        batch.forEach(pending -> pending.done(failure));
        writeNextBatch();
    }
}
