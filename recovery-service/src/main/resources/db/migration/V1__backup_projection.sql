-- recovery-service's own view of every account's backups, fed by backup.events: what recovery
-- decides from (version, status, manifest entries with their fingerprints). Never the content.
CREATE TABLE backup_projection (
    account_id   TEXT         NOT NULL,
    platform     TEXT         NOT NULL,
    version      INTEGER      NOT NULL,
    status       TEXT         NOT NULL,
    device_id    TEXT,
    entries      TEXT         NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL,
    deleted      BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (account_id, platform)
);
