package dev.authbackup.verification.messaging;

import dev.authbackup.testsupport.EventContractTest;
import dev.authbackup.verification.domain.ProofType;
import dev.authbackup.verification.domain.Verification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** verification-service's event records, as its outbox serialises them, against deploy/asyncapi.yaml. */
class VerificationEventsContractTest extends EventContractTest {

    private static final UUID VERIFICATION = UUID.fromString("0c4d2e1f-7a8b-4c9d-8e0f-1a2b3c4d5e6f");
    private static final UUID PROOF = UUID.fromString("9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4");

    VerificationEventsContractTest() {
        super("/verification-service", List.of(VerificationEvents.class), List.of(RecoveryEvents.class));
    }

    @Override
    protected List<Sample> samples() {
        return List.of(
                Sample.of(VerificationEvents.SUCCEEDED, new VerificationEvents.Succeeded(VERIFICATION, RECOVERY, ACCOUNT,
                        "e-01", DEVICE, Verification.PASSWORD_AND_PROOF, NOW)),
                Sample.of(VerificationEvents.SUCCEEDED, new VerificationEvents.Succeeded(VERIFICATION, RECOVERY, ACCOUNT,
                        "e-03", DEVICE, Verification.ACTIVATION_CODE, NOW)),
                Sample.of(VerificationEvents.FAILED, new VerificationEvents.Failed(VERIFICATION, RECOVERY, ACCOUNT,
                        "e-01", DEVICE, "burned", NOW)),
                Sample.of(VerificationEvents.FAILED, new VerificationEvents.Failed(VERIFICATION, RECOVERY, ACCOUNT,
                        "e-01", DEVICE, "expired", NOW)),
                Sample.of(VerificationEvents.SECURITY_INFO_CHANGED, new VerificationEvents.SecurityInfoChanged(ACCOUNT,
                        PROOF, ProofType.phone.name(), "confirmed", NOW)),
                Sample.of(VerificationEvents.CODE_DELIVERY, new VerificationEvents.CodeDelivery(UUID.randomUUID(),
                        ACCOUNT, ProofType.email.channel(), "alice.alternate@example.org", "04718293", "step_up",
                        NOW.plus(Duration.ofMinutes(10)))),
                Sample.of(VerificationEvents.CODE_DELIVERY, new VerificationEvents.CodeDelivery(UUID.randomUUID(),
                        ACCOUNT, ProofType.phone.channel(), "+4915112345678", "90817263", "confirm_security_info",
                        NOW.plus(Duration.ofMinutes(10)))),
                Sample.of(VerificationEvents.NOTICE_DELIVERY, new VerificationEvents.NoticeDelivery(UUID.randomUUID(),
                        ACCOUNT, ProofType.email.channel(), "alice.alternate@example.org", "security_info_added",
                        "+49 ••• ••• •678", NOW)));
    }
}
