-- Shared by every service (platform-common): the transactional outbox and the consumer inbox.

-- Events waiting to be relayed to Kafka; a row is written in the transaction of its state change
-- and deleted once the broker acknowledged it. seq gives the relay its order.
CREATE TABLE outbox_event (
    seq          BIGSERIAL    NOT NULL UNIQUE,
    id           UUID         PRIMARY KEY,
    topic        TEXT         NOT NULL,
    message_key  TEXT         NOT NULL,
    type         TEXT         NOT NULL,
    subject      TEXT,
    occurred_at  TIMESTAMPTZ  NOT NULL,
    payload      TEXT         NOT NULL
);

-- Event ids each consumer has applied, written in the transaction of the effect: redelivery is a no-op.
CREATE TABLE processed_event (
    consumer      TEXT         NOT NULL,
    event_id      TEXT         NOT NULL,
    event_type    TEXT         NOT NULL,
    processed_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX processed_event_processed_at ON processed_event (processed_at);
