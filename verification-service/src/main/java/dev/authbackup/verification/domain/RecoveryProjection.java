package dev.authbackup.verification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A recovery as recovery.events describe it: whose, on which device, and which entries need verification. */
@Entity
@Table(name = "recovery_projection")
public class RecoveryProjection extends PanacheEntityBase {

    public static final String ACTIVE = "active";

    @Id
    @Column(name = "recovery_id")
    public UUID recoveryId;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    public String platform;

    @Column(nullable = false)
    public String status;

    /** JSON array of {ref, kind}: only the entries whose requirement is {@code verification}. */
    @Column(nullable = false)
    public String entries;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
