package dev.authbackup.notification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A device's own TOTP credential; the secret is held only sealed (AES-256-GCM). */
@Entity
@Table(name = "device_credential")
public class DeviceCredential extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "recovery_id")
    public UUID recoveryId;

    @Column(name = "entry_ref")
    public String entryRef;

    /** nonce || ciphertext+tag of the 20-byte secret. */
    @Column(nullable = false)
    public byte[] secret;

    @Column(nullable = false)
    public int digits;

    @Column(name = "period_secs", nullable = false)
    public int periodSecs;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    public static Uni<List<DeviceCredential>> activeOf(String accountId) {
        return list("accountId = ?1 and revokedAt is null order by createdAt", accountId);
    }
}
