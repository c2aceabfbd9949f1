-- Recovery sessions: one per (account, device) at a time, one row per backup entry with what it
-- needs before it counts as restored on the new device.
CREATE TABLE recovery (
    id               UUID         PRIMARY KEY,
    account_id       TEXT         NOT NULL,
    platform         TEXT         NOT NULL CHECK (platform IN ('ios', 'android')),
    device_id        TEXT         NOT NULL,
    backup_version   INTEGER      NOT NULL,
    status           TEXT         NOT NULL CHECK (status IN ('awaiting_download', 'in_progress', 'completed',
                                                             'expired', 'cancelled')),
    idempotency_key  TEXT,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    finished_at      TIMESTAMPTZ
);
-- At most one active recovery per device of an account: the database enforces it even between replicas.
CREATE UNIQUE INDEX recovery_active_device ON recovery (account_id, device_id)
    WHERE status IN ('awaiting_download', 'in_progress');
CREATE UNIQUE INDEX recovery_idempotency ON recovery (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX recovery_idle ON recovery (updated_at) WHERE status IN ('awaiting_download', 'in_progress');

CREATE TABLE recovery_entry (
    recovery_id   UUID         NOT NULL REFERENCES recovery (id),
    ref           TEXT         NOT NULL,
    kind          TEXT         NOT NULL CHECK (kind IN ('personal', 'work_school', 'third_party')),
    push_enabled  BOOLEAN      NOT NULL,
    requirement   TEXT         NOT NULL CHECK (requirement IN ('none', 'device_credential', 'verification')),
    state         TEXT         NOT NULL CHECK (state IN ('pending', 'awaiting_verification', 'verified',
                                                         'awaiting_device_credential', 'restored')),
    position      INTEGER      NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (recovery_id, ref)
);
