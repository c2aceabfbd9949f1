-- notification-service: what devices may register, the push keys and per-device credentials they
-- registered, and sign-in approvals pushed to those keys.

-- recovery-service's word (recovery.started / recovery.push-key-authorized) that a device may register a
-- push key or a device credential for one entry of one recovery, once, until expires_at. A pending
-- device_credential authorisation of a push entry becomes active when its push key is authorised.
CREATE TABLE provisioning_authorization (
    id           UUID         PRIMARY KEY,
    account_id   TEXT         NOT NULL,
    recovery_id  UUID         NOT NULL,
    entry_ref    TEXT         NOT NULL,
    device_id    TEXT         NOT NULL,
    kind         TEXT         NOT NULL CHECK (kind IN ('push_key', 'device_credential')),
    nonce        BYTEA        NOT NULL,
    active       BOOLEAN      NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,
    consumed_at  TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    UNIQUE (recovery_id, entry_ref, kind)
);
CREATE INDEX provisioning_authorization_device ON provisioning_authorization (account_id, device_id);

-- Device-bound EC P-256 public keys (SPKI DER) registered with a proof of possession.
CREATE TABLE push_key (
    id           UUID         PRIMARY KEY,
    account_id   TEXT         NOT NULL,
    device_id    TEXT         NOT NULL,
    recovery_id  UUID,
    entry_ref    TEXT,
    public_key   BYTEA        NOT NULL,
    provider     TEXT         NOT NULL CHECK (provider IN ('apns', 'fcm')),
    push_token   TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX push_key_device ON push_key (account_id, device_id);

-- Per-device TOTP credentials; the secret only as AES-256-GCM ciphertext (nonce || sealed).
CREATE TABLE device_credential (
    id            UUID         PRIMARY KEY,
    account_id    TEXT         NOT NULL,
    device_id     TEXT         NOT NULL,
    recovery_id   UUID,
    entry_ref     TEXT,
    secret        BYTEA        NOT NULL,
    digits        INTEGER      NOT NULL,
    period_secs   INTEGER      NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX device_credential_device ON device_credential (account_id, device_id);

-- Each (credential, time step) accepted once: a replayed code is refused.
CREATE TABLE used_totp_step (
    credential_id  UUID         NOT NULL REFERENCES device_credential (id) ON DELETE CASCADE,
    step           BIGINT       NOT NULL,
    used_at        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (credential_id, step)
);

-- A sign-in approval: a challenge pushed to every key of the account, answered with a signature.
CREATE TABLE push_approval (
    id           UUID         PRIMARY KEY,
    account_id   TEXT         NOT NULL,
    challenge    BYTEA        NOT NULL,
    status       TEXT         NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    pushes       INTEGER      NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL
);
CREATE INDEX push_approval_account ON push_approval (account_id, created_at);

-- Every device's answer to an approval (several devices may answer; each key once).
CREATE TABLE push_approval_response (
    approval_id   UUID         NOT NULL REFERENCES push_approval (id) ON DELETE CASCADE,
    key_id        UUID         NOT NULL,
    device_id     TEXT         NOT NULL,
    approve       BOOLEAN      NOT NULL,
    responded_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (approval_id, key_id)
);
