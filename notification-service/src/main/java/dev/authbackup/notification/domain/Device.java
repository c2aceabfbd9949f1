package dev.authbackup.notification.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;

/** A device of an account that holds push keys or device credentials. */
@Entity
@Table(name = "device")
@IdClass(Device.Key.class)
public class Device extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "last_seen_at", nullable = false)
    public OffsetDateTime lastSeenAt;

    public static Uni<List<Device>> listOwned(String accountId) {
        return list("accountId = ?1 order by createdAt", accountId);
    }

    /** The composite key (account, device). */
    public record Key(String accountId, String deviceId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
