package dev.authbackup.verification.domain;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script sent by its SHA1 ({@code EVALSHA}): Redis neither receives nor hashes its text on every call. A Redis
 * that has not seen it yet (or was restarted) answers NOSCRIPT, and the script is then sent whole once ({@code EVAL},
 * which also caches it there).
 */
record RedisScript(String text, String sha) {

    static RedisScript of(String text) {
        try {
            return new RedisScript(text, HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the script with {@code keys} keys, then the arguments, all in {@code keysAndArgs}. */
    Uni<Response> run(EventLoopRedis redis, int keys, String... keysAndArgs) {
        return redis.execute("EVALSHA", command(sha, keys, keysAndArgs))
                .onFailure(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", command(text, keys, keysAndArgs)));
    }

    private static String[] command(String script, int keys, String... keysAndArgs) {
        String[] command = new String[keysAndArgs.length + 2];
        command[0] = script;
        command[1] = Integer.toString(keys);
        System.arraycopy(keysAndArgs, 0, command, 2, keysAndArgs.length);
        return command;
    }
}
