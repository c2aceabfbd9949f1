package dev.authbackup.common.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An event waiting in the outbox ({@code outbox_event}): written in the same transaction as the state change it
 * announces, sent to Kafka by {@link OutboxRelay}, then deleted. Its {@code id} is the CloudEvents {@code ce_id};
 * {@code messageKey} is the Kafka record key, the recovery account id, so that one account's events stay in order;
 * {@code payload} is the event data as JSON text.
 */
record OutboxEvent(UUID id, String topic, String messageKey, String type, String subject, OffsetDateTime occurredAt,
        String payload) {
}
