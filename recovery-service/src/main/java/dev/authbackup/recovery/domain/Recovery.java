package dev.authbackup.recovery.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** One recovery of an account's backup onto one device: the saga's state. */
@Entity
@Table(name = "recovery")
public class Recovery extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(nullable = false)
    public String platform;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "backup_version", nullable = false)
    public int backupVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RecoveryStatus status;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** The recovery, locked for the rest of the transaction: saga steps on one recovery serialise. */
    public static Uni<Recovery> lock(UUID id) {
        return find("id", id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The account's recovery with this id; another account's is as absent as a made-up one. */
    public static Uni<Recovery> findOwned(UUID id, String accountId) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }

    public static Uni<Recovery> findActive(String accountId, String deviceId) {
        return find("accountId = ?1 and deviceId = ?2 and status in ?3", accountId, deviceId,
                List.of(RecoveryStatus.awaiting_download, RecoveryStatus.in_progress)).firstResult();
    }

    public static Uni<Recovery> findByIdempotencyKey(String accountId, String key) {
        return find("accountId = ?1 and idempotencyKey = ?2", accountId, key).firstResult();
    }

    /** Active recoveries without activity since {@code cutoff}, locked, at most {@code limit}. */
    public static Uni<List<Recovery>> lockIdle(OffsetDateTime cutoff, int limit) {
        return find("status in ?1 and updatedAt < ?2 order by updatedAt",
                List.of(RecoveryStatus.awaiting_download, RecoveryStatus.in_progress), cutoff)
                .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, limit).list();
    }
}
