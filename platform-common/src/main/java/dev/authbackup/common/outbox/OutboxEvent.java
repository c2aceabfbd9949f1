package dev.authbackup.common.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An event waiting in the outbox: written in the same transaction as the state change it announces,
 * sent to Kafka by {@link OutboxRelay}, then deleted. Its {@code id} is the CloudEvents {@code ce_id}.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String topic;

    /** The Kafka record key: the recovery account id, so that one account's events stay in order. */
    @Column(name = "message_key", nullable = false)
    public String messageKey;

    @Column(nullable = false)
    public String type;

    public String subject;

    @Column(name = "occurred_at", nullable = false)
    public OffsetDateTime occurredAt;

    /** The event data as JSON text. */
    @Column(nullable = false)
    public String payload;
}
