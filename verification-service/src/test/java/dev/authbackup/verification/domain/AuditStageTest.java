package dev.authbackup.verification.domain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.authbackup.testsupport.TestDatabase;
import dev.authbackup.testsupport.TestIssuer;
import dev.authbackup.verification.Fixtures;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Refused attempts' rows go through the Redis stream to the table exactly once: also when the replica that read them
 * died before writing, and when it wrote them but its acknowledgement was lost. (Claimed after 2 s in {@code %test}.)
 */
@QuarkusTest
@WithTestResource(TestIssuer.class)
class AuditStageTest {

    /** Adds an entry and reads it as the consumer {@code dead-replica}, which never acknowledges it: one step. */
    private static final String READ_BY_A_DEAD_REPLICA = """
            redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
            redis.call('XREADGROUP', 'GROUP', ARGV[1], 'dead-replica', 'COUNT', '100', 'STREAMS', KEYS[1], '>')
            return id""";

    @Inject
    Audit audit;

    @Inject
    RedisDataSource redis;

    private static final String ROWS = "SELECT count(*) FROM verification_audit WHERE verification_id = ?::uuid";

    private String readByADeadReplica(String... fields) {
        String[] args = new String[4 + fields.length];
        args[0] = READ_BY_A_DEAD_REPLICA;
        args[1] = "1";
        args[2] = AuditStage.STREAM;
        args[3] = AuditStage.GROUP;
        System.arraycopy(fields, 0, args, 4, fields.length);
        return redis.execute("EVAL", args).toString();
    }

    /** Whether the stream still holds entry {@code id}. */
    private boolean inStream(String id) {
        return redis.execute("XRANGE", AuditStage.STREAM, id, id).size() > 0;
    }

    /** A column of the audit row of {@code verification}. */
    private static Object audited(String column, UUID verification) {
        return TestDatabase.scalar("SELECT " + column + " FROM verification_audit WHERE verification_id = ?::uuid",
                verification);
    }

    private long pendingOf(String id) {
        return redis.execute("XPENDING", AuditStage.STREAM, AuditStage.GROUP, id, id, "10").size();
    }

    @Test
    void aRefusedAttemptIsStagedThenWrittenOnce() {
        UUID verification = UUID.randomUUID();
        String account = "stage-" + UUID.randomUUID();
        audit.recordAlone(account, Audit.CODE, "invalid-code", verification, null, "password_and_proof")
                .await().atMost(Duration.ofSeconds(5));

        assertEquals(1, Fixtures.auditRows(1, ROWS, verification));
        assertEquals(account, audited("account_id", verification));
        String staged = (String) audited("staged_id", verification);
        assertNotNull(staged, "the row came through the stage");
        await().atMost(Duration.ofSeconds(5)).until(() -> !inStream(staged));
        assertEquals(0, pendingOf(staged));
    }

    @Test
    void entriesAReplicaReadButNeverWroteAreClaimedAndWrittenOnceAndOnesThatAreNoRowsStay() {
        UUID verification = UUID.randomUUID();
        String id = readByADeadReplica("at", "1764210000000000", "account", "stage-claim", "action", Audit.CODE,
                "outcome", "invalid-code", "verification", verification.toString(), "method", "password_and_proof");
        String junk = readByADeadReplica("something", "else");
        try {
            assertEquals(1, Fixtures.auditRows(1, ROWS, verification));
            assertEquals(id, audited("staged_id", verification));
            await().atMost(Duration.ofSeconds(5)).until(() -> pendingOf(id) == 0);
            // The entry that is no row was claimed too, and stays pending: never dropped, never blocking the rest.
            assertEquals(1, pendingOf(junk));
            assertTrue(inStream(junk));
        } finally {
            redis.execute("XACK", AuditStage.STREAM, AuditStage.GROUP, junk);
            redis.execute("XDEL", AuditStage.STREAM, junk);
        }
    }

    @Test
    void anEntryReadAgainAfterItsRowWasWrittenAddsNoSecondRow() {
        UUID verification = UUID.randomUUID();
        String id = readByADeadReplica("at", "1764210000000000", "account", "stage-again", "action", Audit.CODE,
                "outcome", "invalid-code", "verification", verification.toString());
        // That replica wrote the row, then died before its acknowledgement reached Redis.
        TestDatabase.execute("""
                INSERT INTO verification_audit (at, account_id, action, outcome, verification_id, staged_id)
                VALUES (now(), 'stage-again', 'verification.code', 'invalid-code', ?::uuid, ?)""", verification, id);

        await().atMost(Duration.ofSeconds(10)).until(() -> pendingOf(id) == 0);
        assertFalse(inStream(id));
        assertEquals(1, TestDatabase.count(ROWS, verification));
    }
}
