-- backup-service schema: per account a fingerprint salt; per account and platform one backup whose
-- versions hold the ciphertext and the data key wrapped under a key-encryption key (kek_id).

CREATE TABLE backup_profile (
    account_id  TEXT         PRIMARY KEY,
    salt        BYTEA        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL
);

CREATE TABLE backup (
    id               UUID         PRIMARY KEY,
    account_id       TEXT         NOT NULL,
    platform         TEXT         NOT NULL CHECK (platform IN ('ios', 'android')),
    current_version  INTEGER      NOT NULL,
    status           TEXT         NOT NULL CHECK (status IN ('current', 'sign_in_required')),
    updated_at       TIMESTAMPTZ  NOT NULL,
    deleted_at       TIMESTAMPTZ,
    UNIQUE (account_id, platform)
);

CREATE TABLE backup_version (
    id             UUID         PRIMARY KEY,
    backup_id      UUID         NOT NULL REFERENCES backup (id),
    version        INTEGER      NOT NULL CHECK (version >= 1),
    device_id      TEXT         NOT NULL,
    device_name    TEXT         NOT NULL,
    ciphertext     BYTEA,
    wrapped_key    BYTEA,
    kek_id         TEXT         NOT NULL,
    manifest       TEXT         NOT NULL,
    settings       BYTEA,
    entry_count    INTEGER      NOT NULL,
    content_hash   TEXT         NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL,
    UNIQUE (backup_id, version)
);
