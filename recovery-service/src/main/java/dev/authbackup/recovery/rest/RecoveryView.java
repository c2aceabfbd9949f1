package dev.authbackup.recovery.rest;

import dev.authbackup.recovery.domain.Recovery;
import dev.authbackup.recovery.domain.RecoveryEntry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** A recovery as the app sees it: overall status and each entry's requirement and state. */
public record RecoveryView(UUID id, String status, String platform, int backupVersion, String deviceId,
        Instant createdAt, Instant updatedAt, List<Entry> entries) {

    public record Entry(String ref, String kind, boolean pushEnabled, String requirement, String state) {
    }

    public static RecoveryView of(Recovery recovery, List<RecoveryEntry> entries) {
        return new RecoveryView(recovery.id, recovery.status.name(), recovery.platform, recovery.backupVersion,
                recovery.deviceId, recovery.createdAt.toInstant().truncatedTo(ChronoUnit.MILLIS),
                recovery.updatedAt.toInstant().truncatedTo(ChronoUnit.MILLIS),
                entries.stream().map(e -> new Entry(e.ref, e.kind, e.pushEnabled, e.requirement.name(),
                        e.state.name())).toList());
    }
}
