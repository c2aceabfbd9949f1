package dev.authbackup.notification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** What one device may register for one recovery entry (a push key or a device credential), once. */
@Entity
@Table(name = "provisioning_authorization")
public class ProvisioningAuthorization extends PanacheEntityBase {

    public static final String PUSH_KEY = "push_key";
    public static final String DEVICE_CREDENTIAL = "device_credential";

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
    public String kind;

    @Column(nullable = false)
    public byte[] nonce;

    /** False while a push entry's device credential waits for its push key authorisation. */
    @Column(nullable = false)
    public boolean active;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;

    @Column(name = "consumed_at")
    public OffsetDateTime consumedAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    public boolean usable(OffsetDateTime now) {
        return active && consumedAt == null && revokedAt == null && now.isBefore(expiresAt);
    }

    /** The caller's usable authorisations for one device, oldest first. */
    public static Uni<List<ProvisioningAuthorization>> usableFor(String accountId, String deviceId,
            OffsetDateTime now) {
        return list("accountId = ?1 and deviceId = ?2 and active = true and consumedAt is null and revokedAt is null"
                + " and expiresAt > ?3 order by createdAt, entryRef, kind", accountId, deviceId, now);
    }

    /** Whether the recovery is another account's: it authorised something, for an account that is not this one. */
    public static Uni<Boolean> ofAnotherAccount(String accountId, UUID recoveryId) {
        return count("recoveryId = ?1 and accountId <> ?2", recoveryId, accountId).map(others -> others > 0);
    }

    /**
     * The authorisation of this kind for (recovery, entry), locked until the transaction ends, so that two
     * registrations racing for it serialise and the second sees it consumed; null when there is none for
     * this account and device.
     */
    public static Uni<ProvisioningAuthorization> lock(String accountId, String deviceId, UUID recoveryId,
            String entryRef, String kind) {
        return find("accountId = ?1 and deviceId = ?2 and recoveryId = ?3 and entryRef = ?4 and kind = ?5",
                accountId, deviceId, recoveryId, entryRef, kind)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }
}
