package dev.authbackup.verification.domain;

import dev.authbackup.verification.domain.VerificationProblems.Limit;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The Redis side of verification: one-time code hashes with their TTL and wrong-guess count, and the
 * fixed-window limits. Every read-modify-write is one Lua script, so replicas cannot race each other.
 * Any Redis failure becomes a 503 problem: verification fails closed.
 */
@ApplicationScoped
public class ChallengeStore {

    private static final Logger LOG = Logger.getLogger(ChallengeStore.class);
    private static final String PREFIX = "verification:";

    /** Takes one unit of a limit if one is left: 0, or the milliseconds until the window resets. */
    static final RedisScript TAKE = RedisScript.of("""
            local n = tonumber(redis.call('GET', KEYS[1]) or '0')
            if n >= tonumber(ARGV[1]) then
              local ttl = redis.call('PTTL', KEYS[1])
              if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
              return ttl
            end
            if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 0""");

    /** Gives back a unit taken by TAKE (an attempt that turned out not to be a failure). */
    static final RedisScript GIVE_BACK = RedisScript.of("""
            local n = tonumber(redis.call('GET', KEYS[1]) or '0')
            if n > 0 then redis.call('DECR', KEYS[1]) end
            return 0""");

    /** Stores a new code hash for a challenge, with its account; the wrong-guess count of the challenge is kept. */
    static final RedisScript STORE_CODE = RedisScript.of("""
            redis.call('HSET', KEYS[1], 'h', ARGV[1], 'a', ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1""");

    /**
     * Checks a typed code against a challenge in one round trip. With no live code of this account's it answers
     * {gone}, and the caller asks the database why; with the account's failure limit used up {limited, ms until the
     * window resets}; with the right code it deletes the code (of concurrent correct submissions exactly one gets
     * {matched}); with a wrong one it takes a unit of the failure limit and counts the guess, burning the code at the
     * maximum: {wrong, wrong guesses so far}; in the same step it adds the attempt's audit row to the stage
     * ({@link AuditStage}), so the row is exactly as durable as the count it records. So a wrong code, the path of a
     * brute-force attempt, needs no database read: a code lives only while its challenge is open (its TTL ends with
     * the challenge's, and a challenge that ends otherwise deletes it).
     *
     * <p>A code stored by a release before codes named their account answers {unbound} unless the caller has checked
     * in the database that the challenge is this account's ({@code ARGV[6]} = 1); it is then bound to that account. So
     * codes sent before a rolling update still work after it. Lua strings are interned, so {@code ==} compares them in
     * constant time. The script is a resource of its own, so that {@code ./platform bench stepup} runs the same one
     * through redis-benchmark.
     */
    static final RedisScript CHECK_CODE = RedisScript.of(script("redis/check-code.lua"));

    /** How a typed code fared: {@link #wrongGuesses} counts the wrong guesses so far (with {@code WRONG}). */
    public record CodeCheck(Outcome outcome, int wrongGuesses) {

        public enum Outcome {
            /** The right code: it is used up now, by this caller. */
            MATCHED,
            /** No live code of this account's: it expired, was used or burned, its challenge ended, or it is not theirs. */
            GONE,
            /** A live code that names no account (stored by an earlier release): check the challenge's owner first. */
            UNBOUND,
            /** A wrong code, counted against the challenge and the account's failure limit. */
            WRONG
        }
    }

    private static String script(String resource) {
        try (InputStream in = ChallengeStore.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final EventLoopRedis redis;
    private final VerificationMetrics metrics;
    private final AuditStage stage;

    public ChallengeStore(EventLoopRedis redis, VerificationMetrics metrics, AuditStage stage) {
        this.redis = redis;
        this.metrics = metrics;
        this.stage = stage;
    }

    /** The Redis key of a challenge's code: {@code purpose} is "step-up" or "security-info". */
    public static String codeKey(String purpose, Object challengeId) {
        return PREFIX + "code:" + purpose + ":" + challengeId;
    }

    public static String limitKey(Limit limit, String scope) {
        return PREFIX + "limit:" + limit.name() + ":" + digest(scope);
    }

    /** Takes one unit of {@code limit} for {@code scope}; fails with 429 and Retry-After when none is left. */
    public Uni<Void> take(Limit limit, String scope, int max, Duration window) {
        return eval(TAKE, limitKey(limit, scope), Integer.toString(max), Long.toString(window.toMillis()))
                .map(Response::toLong)
                .map(waitMillis -> {
                    if (waitMillis > 0) {
                        metrics.rateLimited(limit.name());
                        throw VerificationProblems.tooManyAttempts(limit, Duration.ofMillis(waitMillis));
                    }
                    return null;
                });
    }

    public Uni<Void> giveBack(Limit limit, String scope) {
        return eval(GIVE_BACK, limitKey(limit, scope)).replaceWithVoid();
    }

    /** Stores the hash of the code just sent for a challenge of {@code account}'s, live for {@code ttl}. */
    public Uni<Void> storeCode(String key, String hash, String account, Duration ttl) {
        return eval(STORE_CODE, key, hash, Long.toString(ttl.toMillis()), account).replaceWithVoid();
    }

    /**
     * Checks {@code typedHash} against {@code account}'s live code at {@code codeKey}; fails with 429 and Retry-After
     * when the account's {@code limit} is used up (then nothing is counted). A wrong guess stages {@code wrongGuess},
     * its audit row. {@code ownerChecked}: the database said the challenge is this account's, so a code that names no
     * account may be bound to it.
     */
    public Uni<CodeCheck> checkCode(Limit limit, String account, int max, Duration window, String codeKey,
            String typedHash, int maxWrong, boolean ownerChecked, AuditRow wrongGuess) {
        List<String> args = new ArrayList<>(List.of(limitKey(limit, account), codeKey, AuditStage.STREAM,
                Integer.toString(max), Long.toString(window.toMillis()), typedHash, Integer.toString(maxWrong), account,
                ownerChecked ? "1" : "0"));
        args.addAll(AuditStage.fields(wrongGuess));
        return call(CHECK_CODE.run(redis, 3, args.toArray(String[]::new)))
                .map(answer -> {
                    String outcome = answer.get(0).toString();
                    int value = answer.get(1).toInteger();
                    return switch (outcome) {
                        case "limited" -> {
                            metrics.rateLimited(limit.name());
                            throw VerificationProblems.tooManyAttempts(limit, Duration.ofMillis(value));
                        }
                        case "gone" -> new CodeCheck(CodeCheck.Outcome.GONE, 0);
                        case "unbound" -> new CodeCheck(CodeCheck.Outcome.UNBOUND, 0);
                        case "matched" -> new CodeCheck(CodeCheck.Outcome.MATCHED, 0);
                        case "wrong" -> {
                            stage.moveSoon();
                            yield new CodeCheck(CodeCheck.Outcome.WRONG, value);
                        }
                        default -> throw new IllegalStateException("unexpected answer from the code check: " + outcome);
                    };
                });
    }

    public Uni<Void> delete(String... keys) {
        return call(redis.execute("DEL", keys)).replaceWithVoid();
    }

    /** Makes a challenge's code uncheckable, keeping its wrong-guess count (a code that was never sent). */
    public Uni<Void> forgetCode(String key) {
        return call(redis.execute("HDEL", key, "h", "a")).replaceWithVoid();
    }

    private Uni<Response> eval(RedisScript script, String key, String... args) {
        String[] keyAndArgs = new String[args.length + 1];
        keyAndArgs[0] = key;
        System.arraycopy(args, 0, keyAndArgs, 1, args.length);
        return call(script.run(redis, 1, keyAndArgs));
    }

    /** Any Redis failure fails closed; the answer comes back on the caller's context. */
    private static Uni<Response> call(Uni<Response> command) {
        return CallerContext.resume(command.onFailure().transform(failure -> {
            LOG.warnf("Redis unavailable (%s): failing closed", failure.getClass().getSimpleName());
            return VerificationProblems.redisUnavailable();
        }));
    }

    private static String digest(String scope) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(scope.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
