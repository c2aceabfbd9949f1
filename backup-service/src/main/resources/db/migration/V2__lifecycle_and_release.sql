-- Backup lifecycle (revision, staleness, idempotent retries, restore) and key release to recoveries.

-- Grows with every change of the backup (store, delete, undelete, status change); events carry it so
-- that projections apply them in order.
ALTER TABLE backup ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
-- The newest interactive sign-in (the token's auth_time) behind an upload: staleness is measured from it.
ALTER TABLE backup ADD COLUMN signed_in_at TIMESTAMPTZ;
UPDATE backup SET signed_in_at = updated_at;
ALTER TABLE backup ALTER COLUMN signed_in_at SET NOT NULL;
CREATE INDEX backup_staleness ON backup (signed_in_at) WHERE status = 'current' AND deleted_at IS NULL;
CREATE INDEX backup_deleted ON backup (deleted_at) WHERE deleted_at IS NOT NULL;

-- The client's Idempotency-Key of the upload that created a version, and the version it restored.
ALTER TABLE backup_version ADD COLUMN idempotency_key TEXT;
ALTER TABLE backup_version ADD COLUMN restored_from INTEGER;
CREATE UNIQUE INDEX backup_version_idempotency ON backup_version (backup_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- A version whose wrapped key was destroyed (crypto-shred) keeps no ciphertext either.
ALTER TABLE backup_version ALTER COLUMN kek_id DROP NOT NULL;
CREATE INDEX backup_version_kek ON backup_version (kek_id);

-- What recovery-service authorised: this recovery may download this version to this device until expires_at.
CREATE TABLE release_authorization (
    recovery_id    UUID         PRIMARY KEY,
    account_id     TEXT         NOT NULL,
    platform       TEXT         NOT NULL CHECK (platform IN ('ios', 'android')),
    version        INTEGER      NOT NULL,
    device_id      TEXT         NOT NULL,
    authorized_at  TIMESTAMPTZ  NOT NULL,
    expires_at     TIMESTAMPTZ  NOT NULL,
    revoked_at     TIMESTAMPTZ
);
CREATE INDEX release_authorization_expiry ON release_authorization (expires_at);

-- Every release of a data key: who, which recovery, which version, to which device, under which KEK.
CREATE TABLE release_audit (
    id           BIGSERIAL    PRIMARY KEY,
    recovery_id  UUID         NOT NULL,
    account_id   TEXT         NOT NULL,
    platform     TEXT         NOT NULL,
    version      INTEGER      NOT NULL,
    device_id    TEXT         NOT NULL,
    released_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX release_audit_account ON release_audit (account_id, released_at);
