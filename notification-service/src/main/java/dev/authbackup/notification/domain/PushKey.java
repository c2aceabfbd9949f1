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

/** A device-bound EC P-256 public key (SPKI) and where to push to it. */
@Entity
@Table(name = "push_key")
public class PushKey extends PanacheEntityBase {

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

    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    @Column(nullable = false)
    public String provider;

    @Column(name = "push_token", nullable = false)
    public String pushToken;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    public static Uni<List<PushKey>> activeOf(String accountId) {
        return list("accountId = ?1 and revokedAt is null order by createdAt", accountId);
    }

    public static Uni<PushKey> activeOf(String accountId, String deviceId, UUID keyId) {
        return find("id = ?1 and accountId = ?2 and deviceId = ?3 and revokedAt is null", keyId, accountId, deviceId)
                .firstResult();
    }
}
