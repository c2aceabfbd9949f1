package dev.authbackup.notification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One key's signed answer to a sign-in approval. */
@Entity
@Table(name = "push_approval_response")
@IdClass(PushApprovalResponse.Key.class)
public class PushApprovalResponse extends PanacheEntityBase {

    @Id
    @Column(name = "approval_id")
    public UUID approvalId;

    @Id
    @Column(name = "key_id")
    public UUID keyId;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(nullable = false)
    public boolean approve;

    @Column(name = "responded_at", nullable = false)
    public OffsetDateTime respondedAt;

    /** The composite key (approval, key). */
    public record Key(UUID approvalId, UUID keyId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
