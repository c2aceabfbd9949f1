package dev.authbackup.backup.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** An account's fingerprint salt: 32 random bytes, made once, never changed. */
@Entity
@Table(name = "backup_profile")
public class BackupProfile extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Column(nullable = false)
    public byte[] salt;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
