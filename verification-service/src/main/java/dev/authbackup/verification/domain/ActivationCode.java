package dev.authbackup.verification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A work/school activation code a tenant's admin issued for one UPN: only its keyed hash is stored. */
@Entity
@Table(name = "activation_code")
public class ActivationCode extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    /** Lowercased user principal name. */
    @Column(nullable = false)
    public String upn;

    @Column(name = "code_hash", nullable = false)
    public String codeHash;

    /** The QR payload sealed with AES-GCM while the code is live; null once used or revoked. */
    @Column(name = "qr_sealed")
    public String qrSealed;

    @Column(name = "issued_by", nullable = false)
    public String issuedBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    @Column(name = "used_at")
    public OffsetDateTime usedAt;

    @Column(name = "used_by_account")
    public String usedByAccount;

    @Column(name = "verification_id")
    public UUID verificationId;
}
