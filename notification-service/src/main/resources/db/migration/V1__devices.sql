-- notification-service: the devices of each account that hold push keys or device credentials.
CREATE TABLE device (
    account_id    TEXT         NOT NULL,
    device_id     TEXT         NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    last_seen_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, device_id)
);
