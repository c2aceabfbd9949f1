package dev.authbackup.notification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A sign-in approval: a challenge pushed to the account's keys; the first answer sets its status. */
@Entity
@Table(name = "push_approval")
public class PushApproval extends PanacheEntityBase {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(nullable = false)
    public byte[] challenge;

    @Column(nullable = false)
    public String status;

    /** How many pushes this approval sent (counted against the per-account push limit). */
    @Column(nullable = false)
    public int pushes;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;
}
