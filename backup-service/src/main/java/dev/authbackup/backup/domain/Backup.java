package dev.authbackup.backup.domain;

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

/** The head of an account's backup in one storage location: which version is current, and its status. */
@Entity
@Table(name = "backup")
public class Backup extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Platform platform;

    @Column(name = "current_version", nullable = false)
    public int currentVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public BackupStatus status;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;

    /** Grows with every change; events carry it so projections apply them in order. */
    @Column(nullable = false)
    public long revision;

    /** The newest interactive sign-in ({@code auth_time}) behind an upload; staleness counts from it. */
    @Column(name = "signed_in_at", nullable = false)
    public OffsetDateTime signedInAt;

    /** The head row, locked for the rest of the transaction so that concurrent uploads serialise. */
    public static Uni<Backup> lockFor(String accountId, Platform platform) {
        return find("accountId = ?1 and platform = ?2", accountId, platform)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Live backups whose last sign-in is older than the cutoff, locked, at most {@code limit}. */
    public static Uni<List<Backup>> lockStale(OffsetDateTime cutoff, int limit) {
        return find("status = ?1 and deletedAt is null and signedInAt < ?2 order by signedInAt", BackupStatus.current,
                cutoff).withLock(LockModeType.PESSIMISTIC_WRITE).page(0, limit).list();
    }

    public static Uni<Backup> findLive(String accountId, Platform platform) {
        return find("accountId = ?1 and platform = ?2 and deletedAt is null", accountId, platform).firstResult();
    }

    public static Uni<List<Backup>> listLive(String accountId) {
        return list("accountId = ?1 and deletedAt is null order by platform", accountId);
    }
}
