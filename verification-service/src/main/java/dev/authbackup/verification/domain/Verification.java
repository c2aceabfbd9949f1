package dev.authbackup.verification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A step-up verification of one recovery entry on one device. */
@Entity
@Table(name = "verification")
public class Verification extends PanacheEntityBase {

    // Statuses. The first three are open; the rest are final.
    public static final String PROOF_REQUIRED = "proof_required";
    public static final String ACTIVATION_REQUIRED = "activation_required";
    public static final String CODE_SENT = "code_sent";
    public static final String VERIFIED = "verified";
    public static final String FAILED = "failed";
    public static final String EXPIRED = "expired";
    public static final String CANCELLED = "cancelled";

    public static final String PASSWORD_AND_PROOF = "password_and_proof";
    public static final String ACTIVATION_CODE = "activation_code";

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(name = "recovery_id", nullable = false)
    public UUID recoveryId;

    @Column(name = "entry_ref", nullable = false)
    public String entryRef;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(nullable = false)
    public String method;

    @Column(nullable = false)
    public String status;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    @Column(name = "proof_id")
    public UUID proofId;

    @Column(name = "activation_code_id")
    public UUID activationCodeId;

    @Column(name = "verified_at")
    public OffsetDateTime verifiedAt;

    /** Why a final status other than verified was reached: burned, expired, cancelled. */
    @Column(name = "ended_reason")
    public String endedReason;

    public boolean isOpen() {
        return PROOF_REQUIRED.equals(status) || ACTIVATION_REQUIRED.equals(status) || CODE_SENT.equals(status);
    }

    /** The account's own verification, or null: another account's answers as unknown. */
    public static Uni<Verification> findOwned(UUID id, String accountId) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }
}
