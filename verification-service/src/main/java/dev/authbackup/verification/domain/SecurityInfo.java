package dev.authbackup.verification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** One alternate email or phone of an account (a "proof"); usable for step-up only once confirmed. */
@Entity
@Table(name = "security_info")
public class SecurityInfo extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ProofType type;

    /** The normalised value; needed to deliver codes and notices to it. Never logged or returned. */
    @Column(nullable = false)
    public String value;

    @Column(nullable = false)
    public String hint;

    @Column(nullable = false)
    public boolean confirmed;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "confirmed_at")
    public OffsetDateTime confirmedAt;

    public static Uni<List<SecurityInfo>> ofAccount(String accountId) {
        return list("accountId = ?1 order by createdAt, id", accountId);
    }

    /** The account's own proof, or null: another account's answers as unknown. */
    public static Uni<SecurityInfo> findOwned(UUID id, String accountId) {
        return find("id = ?1 and accountId = ?2", id, accountId).firstResult();
    }
}
