package dev.authbackup.backup.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One stored version: the app's ciphertext, the data key wrapped under a KEK, and the cleartext
 * manifest (refs, kinds, push flags, fingerprints: nothing secret).
 */
@Entity
@Table(name = "backup_version")
public class BackupVersion extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "backup_id", nullable = false)
    public UUID backupId;

    @Column(nullable = false)
    public int version;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "device_name", nullable = false)
    public String deviceName;

    public byte[] ciphertext;

    @Column(name = "wrapped_key")
    public byte[] wrappedKey;

    /** The KEK that wrapped {@link #wrappedKey}; both are null once the version is crypto-shredded. */
    @Column(name = "kek_id")
    public String kekId;

    /** The manifest as JSON text. */
    @Column(nullable = false)
    public String manifest;

    public byte[] settings;

    @Column(name = "entry_count", nullable = false)
    public int entryCount;

    /** SHA-256 of what the client sent: an Idempotency-Key sent again with other content is refused (422). */
    @Column(name = "content_hash", nullable = false)
    public String contentHash;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** The client's {@code Idempotency-Key} of the upload that created this version, if it sent one. */
    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** The older version this one copies ({@code POST .../restore {version}}), else null. */
    @Column(name = "restored_from")
    public Integer restoredFrom;

    /** The readable versions (not crypto-shredded), newest first. */
    public static Uni<List<BackupVersion>> listNewestFirst(UUID backupId) {
        return list("backupId = ?1 and wrappedKey is not null order by version desc", backupId);
    }

    /** A readable version, or null when it never existed or was crypto-shredded. */
    public static Uni<BackupVersion> find(UUID backupId, int version) {
        return find("backupId = ?1 and version = ?2 and wrappedKey is not null", backupId, version).firstResult();
    }

    /** Versions still wrapped under another KEK than the current one, at most {@code limit}. */
    public static Uni<List<BackupVersion>> wrappedUnderOtherThan(String kekId, int limit) {
        return find("kekId is not null and kekId <> ?1", kekId).page(0, limit).list();
    }
}
