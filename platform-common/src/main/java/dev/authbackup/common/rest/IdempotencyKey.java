package dev.authbackup.common.rest;

import dev.authbackup.common.problem.ProblemException;
import dev.authbackup.common.problem.Problems;

/** The {@code Idempotency-Key} request header the services honour: one rule for its shape, everywhere. */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    public static final String REUSED = "idempotency-key-reused";
    static final int MAX_LENGTH = 255;

    private IdempotencyKey() {
    }

    /** The header's value, or null when absent; a blank or overlong key is 400 {@code malformed-request}. */
    public static String check(String value) {
        if (value != null && (value.isBlank() || value.length() > MAX_LENGTH)) {
            throw Problems.malformed("Idempotency-Key must be 1-" + MAX_LENGTH + " characters.");
        }
        return value;
    }

    /** 422: the key came with an earlier request that was not this one ({@code what} says how it differed). */
    public static ProblemException reused(String what) {
        return new ProblemException(REUSED, 422, "Idempotency-Key already used",
                "This Idempotency-Key belongs to an earlier request with " + what + "; use a new key.");
    }
}
