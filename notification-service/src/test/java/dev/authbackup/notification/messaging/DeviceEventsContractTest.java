package dev.authbackup.notification.messaging;

import dev.authbackup.notification.rest.DeviceRequests.PushProvider;
import dev.authbackup.testsupport.EventContractTest;
import java.util.List;
import java.util.UUID;

/** notification-service's event records, as its outbox serialises them, against deploy/asyncapi.yaml. */
class DeviceEventsContractTest extends EventContractTest {

    DeviceEventsContractTest() {
        super("/notification-service", List.of(DeviceEvents.class), List.of(RecoveryEvents.class, CodeDeliveries.class));
    }

    @Override
    protected List<Sample> samples() {
        return List.of(
                Sample.of(DeviceEvents.PUSH_KEY_REGISTERED, new DeviceEvents.PushKeyRegistered(ACCOUNT, RECOVERY, "e-01",
                        DEVICE, UUID.fromString("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"), PushProvider.apns.name(), NOW)),
                Sample.of(DeviceEvents.CREDENTIAL_ISSUED, new DeviceEvents.CredentialIssued(ACCOUNT, RECOVERY, "e-02",
                        DEVICE, UUID.fromString("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"), NOW)),
                Sample.of(DeviceEvents.REVOKED, new DeviceEvents.Revoked(ACCOUNT, DEVICE, NOW)));
    }
}
