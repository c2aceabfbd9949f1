package dev.authbackup.common.security;

import dev.authbackup.common.problem.Problems;
import java.time.Instant;

/**
 * The one "fresh sign-in" rule (RFC 9470): the token's {@code auth_time} is at most 300 s old.
 *
 * <p>A token without {@code auth_time} (a password-grant or silent-refresh token) is never fresh.
 */
public final class FreshSignIn {

    private FreshSignIn() {
    }

    /** Whether a sign-in at {@code authTime} (epoch seconds, or null) counts as fresh at {@code now}. */
    public static boolean isFresh(Long authTime, Instant now) {
        if (authTime == null) {
            return false;
        }
        long age = now.getEpochSecond() - authTime;
        // A little clock skew into the future is tolerated; a sign-in dated far ahead is not trusted.
        return age <= Problems.FRESH_SIGN_IN_MAX_AGE_SECONDS && age >= -60;
    }
}
