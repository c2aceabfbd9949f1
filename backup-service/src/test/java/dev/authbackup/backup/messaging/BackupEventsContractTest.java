package dev.authbackup.backup.messaging;

import dev.authbackup.backup.domain.BackupStatus;
import dev.authbackup.backup.domain.EntryKind;
import dev.authbackup.backup.domain.Platform;
import dev.authbackup.testsupport.EventContractTest;
import java.util.List;

/** backup-service's event records, as its outbox serialises them, against deploy/asyncapi.yaml. */
class BackupEventsContractTest extends EventContractTest {

    private static final List<BackupEvents.Entry> ENTRIES = List.of(
            new BackupEvents.Entry("e-01", EntryKind.personal.name(), true, "q0m1Jx8kQ2b6mB3sZ9oVfQkq3W1m6y7uYp0cLrT4sEA="),
            new BackupEvents.Entry("e-02", EntryKind.work_school.name(), true, "wQ9p3Gv7hK2nB8xT5rL1mZ6cY4dF0aS3jE7uI9oP2qM="),
            new BackupEvents.Entry("e-03", EntryKind.third_party.name(), false, "Zk4rT8yU2iO6pA1sD5fG9hJ3kL7zX0cV4bN8mQ2wE6s="));

    BackupEventsContractTest() {
        super("/backup-service", List.of(BackupEvents.class), List.of(RecoveryEvents.class));
    }

    @Override
    protected List<Sample> samples() {
        String ios = Platform.ios.name();
        return List.of(
                Sample.of(BackupEvents.STORED, new BackupEvents.Stored(ACCOUNT, ios, 4, 9,
                        BackupStatus.current.name(), NOW, "device-iphone-15", ENTRIES, 2)),
                Sample.withoutOptional(BackupEvents.STORED, new BackupEvents.Stored(ACCOUNT, Platform.android.name(), 1,
                        1, BackupStatus.current.name(), NOW, "device-pixel-8", ENTRIES, null)),
                Sample.of(BackupEvents.DELETED, new BackupEvents.Deleted(ACCOUNT, ios, 4, 10, NOW,
                        NOW.plusSeconds(30 * 86_400))),
                Sample.of(BackupEvents.RESTORED, new BackupEvents.Restored(ACCOUNT, ios, 4, 11,
                        BackupStatus.sign_in_required.name(), NOW, "device-iphone-15", ENTRIES)),
                Sample.of(BackupEvents.STATUS_CHANGED, new BackupEvents.StatusChanged(ACCOUNT, ios, 4, 12,
                        BackupStatus.sign_in_required.name(), BackupStatus.current.name(), NOW)),
                Sample.of(BackupEvents.RELEASED, new BackupEvents.Released(ACCOUNT,
                        RECOVERY, ios, 4, DEVICE, NOW)));
    }
}
