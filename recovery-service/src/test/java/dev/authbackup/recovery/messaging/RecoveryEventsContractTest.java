package dev.authbackup.recovery.messaging;

import dev.authbackup.recovery.domain.Requirement;
import dev.authbackup.testsupport.EventContractTest;
import java.time.Duration;
import java.util.List;

/** recovery-service's event records, as its outbox serialises them, against deploy/asyncapi.yaml. */
class RecoveryEventsContractTest extends EventContractTest {

    RecoveryEventsContractTest() {
        super("/recovery-service", List.of(RecoveryEvents.class), List.of(BackupEvents.class, SagaEvents.class));
    }

    @Override
    protected List<Sample> samples() {
        List<RecoveryEvents.Entry> entries = List.of(
                new RecoveryEvents.Entry("e-01", "personal", true, Requirement.verification.name()),
                new RecoveryEvents.Entry("e-02", "personal", false, Requirement.device_credential.name()),
                new RecoveryEvents.Entry("e-03", "work_school", true, Requirement.verification.name()),
                new RecoveryEvents.Entry("e-04", "third_party", false, Requirement.none.name()));
        return List.of(
                Sample.of(RecoveryEvents.STARTED, new RecoveryEvents.Started(RECOVERY, ACCOUNT, "ios", 4, DEVICE, NOW,
                        NOW.plus(Duration.ofHours(24)), entries)),
                Sample.of(RecoveryEvents.PUSH_KEY_AUTHORIZED, new RecoveryEvents.PushKeyAuthorized(RECOVERY, ACCOUNT,
                        "e-01", DEVICE, NOW.plus(Duration.ofMinutes(10)))),
                Sample.of(RecoveryEvents.COMPLETED, new RecoveryEvents.Completed(RECOVERY, ACCOUNT, DEVICE, NOW,
                        Duration.ofMinutes(3).plusMillis(417).toMillis())),
                Sample.of(RecoveryEvents.EXPIRED, new RecoveryEvents.Expired(RECOVERY, ACCOUNT, DEVICE, NOW)),
                Sample.of(RecoveryEvents.CANCELLED, new RecoveryEvents.Cancelled(RECOVERY, ACCOUNT, DEVICE, NOW)));
    }
}
