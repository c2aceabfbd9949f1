package dev.authbackup.common.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshSignInTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void aSignInWithinFiveMinutesIsFresh() {
        assertTrue(FreshSignIn.isFresh(NOW.getEpochSecond(), NOW));
        assertTrue(FreshSignIn.isFresh(NOW.getEpochSecond() - 300, NOW));
    }

    @Test
    void aSignInOlderThanFiveMinutesIsNot() {
        assertFalse(FreshSignIn.isFresh(NOW.getEpochSecond() - 301, NOW));
    }

    @Test
    void aTokenWithoutAuthTimeIsNeverFresh() {
        assertFalse(FreshSignIn.isFresh(null, NOW));
    }

    @Test
    void aSignInDatedFarInTheFutureIsNotTrusted() {
        assertTrue(FreshSignIn.isFresh(NOW.getEpochSecond() + 30, NOW));
        assertFalse(FreshSignIn.isFresh(NOW.getEpochSecond() + 3600, NOW));
    }
}
