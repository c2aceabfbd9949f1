package dev.authbackup.common.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    private static final Instant AT = Instant.parse("2026-11-27T23:30:12.345Z");

    @Test
    void anIdIsVersion7WithTheRfcVariantAndTellsWhenItWasMinted() {
        UUID id = TimeOrderedIds.next(Clock.fixed(AT, ZoneOffset.UTC));
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(Optional.of(AT), TimeOrderedIds.mintedAt(id));
        // The text form carries the milliseconds first (RFC 9562's example layout): 48 bits, then the version.
        assertTrue(id.toString().startsWith(String.format("%08x-%04x-7", AT.toEpochMilli() >>> 16,
                AT.toEpochMilli() & 0xFFFF)), id.toString());
    }

    @Test
    void idsOfTheSameMillisecondDifferAndLaterOnesSortAfter() {
        Clock clock = Clock.fixed(AT, ZoneOffset.UTC);
        assertNotEquals(TimeOrderedIds.next(clock), TimeOrderedIds.next(clock));
        UUID later = TimeOrderedIds.next(Clock.fixed(AT.plusMillis(1), ZoneOffset.UTC));
        assertTrue(later.toString().compareTo(TimeOrderedIds.next(clock).toString()) > 0);
    }

    @Test
    void otherUuidsHaveNoMintingTime() {
        assertEquals(Optional.empty(), TimeOrderedIds.mintedAt(UUID.randomUUID()));
        assertEquals(Optional.empty(), TimeOrderedIds.mintedAt(UUID.fromString("00000000-0000-0000-0000-000000000000")));
        // Version 7 bits with another variant (Microsoft's 110x) are not an RFC 9562 id.
        assertEquals(Optional.empty(), TimeOrderedIds.mintedAt(UUID.fromString("01890a5d-ac96-774b-ccb4-7a4a3b7c0a1f")));
    }
}
