package dev.authbackup.common.ids;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562 section 5.7): 48 bits of Unix milliseconds, then 74 random bits. The ids of recoveries are
 * minted so, which lets another service tell an id that recovery-service may have minted recently from one it never
 * minted (backup-service answers 409 "not ready yet" only for the former); new rows also land at the end of their
 * index instead of anywhere in it.
 */
public final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedIds() {
    }

    public static UUID next(Clock clock) {
        long msb = (clock.millis() & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (RANDOM.nextInt() & 0xFFFL); // ms, 7, rand_a
        long lsb = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L; // the RFC variant, then rand_b
        return new UUID(msb, lsb);
    }

    /** When a version-7 id was minted; empty for any other kind of UUID. */
    public static Optional<Instant> mintedAt(UUID id) {
        if (id.version() != 7 || id.variant() != 2) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16));
    }
}
