-- Step-up verification (issue 5): security info, the recovery projection, activation codes, audit.
-- One-time codes and counters are NOT here: they live in Redis with their TTLs.

-- An account's alternate email addresses and phone numbers ("proofs").
-- value is the normalised address (lowercased email, E.164 phone): notices and codes must reach it,
-- so a hash alone would not do. It never leaves this service except as `to` on the delivery topic.
CREATE TABLE security_info (
    id            UUID         PRIMARY KEY,
    account_id    TEXT         NOT NULL,
    type          TEXT         NOT NULL CHECK (type IN ('email', 'phone')),
    value         TEXT         NOT NULL,
    hint          TEXT         NOT NULL,
    confirmed     BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ  NOT NULL,
    confirmed_at  TIMESTAMPTZ,
    UNIQUE (account_id, type, value)
);
CREATE INDEX security_info_account ON security_info (account_id);

-- recovery-service's recoveries, as far as verification needs them (from recovery.events).
-- entries: JSON [{ref, kind}] of the entries whose requirement is `verification`.
CREATE TABLE recovery_projection (
    recovery_id   UUID         PRIMARY KEY,
    account_id    TEXT         NOT NULL,
    device_id     TEXT         NOT NULL,
    platform      TEXT,
    status        TEXT         NOT NULL CHECK (status IN ('active', 'completed', 'expired', 'cancelled')),
    entries       TEXT         NOT NULL,
    expires_at    TIMESTAMPTZ  NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL
);

-- Which proof a verification sent its code to, when it ended, and the activation code it used.
ALTER TABLE verification
    ADD COLUMN proof_id            UUID,
    ADD COLUMN activation_code_id  UUID,
    ADD COLUMN verified_at         TIMESTAMPTZ,
    ADD COLUMN ended_reason        TEXT;
CREATE INDEX verification_recovery ON verification (recovery_id);

-- Activation codes issued by a tenant's provider-admin. Only a keyed hash of the code is kept;
-- qr_sealed is the QR payload sealed with AES-GCM (so the admin can show the QR again while the
-- code is live), erased when the code is used or revoked.
CREATE TABLE activation_code (
    id                UUID         PRIMARY KEY,
    tenant            TEXT         NOT NULL,
    upn               TEXT         NOT NULL,
    code_hash         TEXT         NOT NULL,
    qr_sealed         TEXT,
    issued_by         TEXT         NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ  NOT NULL,
    revoked_at        TIMESTAMPTZ,
    used_at           TIMESTAMPTZ,
    used_by_account   TEXT,
    verification_id   UUID
);
CREATE INDEX activation_code_lookup ON activation_code (tenant, upn, code_hash);

-- Every attempt, success or failure. Never a code, a proof value or a pepper.
CREATE TABLE verification_audit (
    id               BIGSERIAL    PRIMARY KEY,
    at               TIMESTAMPTZ  NOT NULL,
    account_id       TEXT         NOT NULL,
    action           TEXT         NOT NULL,
    outcome          TEXT         NOT NULL,
    verification_id  UUID,
    subject_id       UUID,
    method           TEXT
);
CREATE INDEX verification_audit_account ON verification_audit (account_id, at);
CREATE INDEX verification_audit_verification ON verification_audit (verification_id);
