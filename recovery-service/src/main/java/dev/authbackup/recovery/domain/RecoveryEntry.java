package dev.authbackup.recovery.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** One backup entry within a recovery: what it requires and how far it got. */
@Entity
@Table(name = "recovery_entry")
@IdClass(RecoveryEntry.Key.class)
public class RecoveryEntry extends PanacheEntityBase {

    /** The composite primary key (recovery, ref). */
    public static class Key implements Serializable {
        public UUID recoveryId;
        public String ref;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(recoveryId, key.recoveryId) && Objects.equals(ref, key.ref);
        }

        @Override
        public int hashCode() {
            return Objects.hash(recoveryId, ref);
        }
    }

    @Id
    @Column(name = "recovery_id")
    public UUID recoveryId;

    @Id
    public String ref;

    @Column(nullable = false)
    public String kind;

    @Column(name = "push_enabled", nullable = false)
    public boolean pushEnabled;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Requirement requirement;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public EntryState state;

    /** The entry's place in the backup's manifest, so answers list entries in the app's order. */
    @Column(nullable = false)
    public int position;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** When the device got its own credential for this entry (a personal one), if it has. */
    @Column(name = "credential_issued_at")
    public OffsetDateTime credentialIssuedAt;

    /** When the device registered its push key for this entry (one that uses push), if it has. */
    @Column(name = "push_key_registered_at")
    public OffsetDateTime pushKeyRegisteredAt;

    /** A personal entry gets a credential of the new device's own (its codes differ from the old device's). */
    public boolean needsCredential() {
        return "personal".equals(kind);
    }

    /** An entry that uses push gets a push key, after step-up verification. */
    public boolean needsPushKey() {
        return requirement == Requirement.verification;
    }

    /** Whether the device has everything this entry needs: its credential and its push key, where it needs them. */
    public boolean provisioned() {
        return (!needsCredential() || credentialIssuedAt != null) && (!needsPushKey() || pushKeyRegisteredAt != null);
    }

    public static Uni<List<RecoveryEntry>> of(UUID recoveryId) {
        return list("recoveryId = ?1 order by position", recoveryId);
    }
}
