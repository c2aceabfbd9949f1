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

    /** The account's own verification, or null: another account's answers as unknown. */
    public static Uni<Verification> findOwned(UUID id, String accountId) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }
}
