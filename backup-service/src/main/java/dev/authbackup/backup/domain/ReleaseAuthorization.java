package dev.authbackup.backup.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Recovery-service's word that one recovery may download one backup version to one device, for a while. */
@Entity
@Table(name = "release_authorization")
public class ReleaseAuthorization extends PanacheEntityBase {

    @Id
    @Column(name = "recovery_id")
    public UUID recoveryId;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Platform platform;

    @Column(nullable = false)
    public int version;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "authorized_at", nullable = false)
    public OffsetDateTime authorizedAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    /** Whether this authorisation lets {@code account} download from {@code platform} now. */
    public boolean allows(String account, Platform target, OffsetDateTime now) {
        return accountId.equals(account) && platform == target && revokedAt == null && now.isBefore(expiresAt);
    }
}
