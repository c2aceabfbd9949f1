-- verification-service's durable records. Challenges, codes and counters live in Redis with TTLs;
-- what must survive (verification outcomes, security info) is added here by the verification issue.
CREATE TABLE verification (
    id            UUID         PRIMARY KEY,
    account_id    TEXT         NOT NULL,
    recovery_id   UUID         NOT NULL,
    entry_ref     TEXT         NOT NULL,
    device_id     TEXT         NOT NULL,
    method        TEXT         NOT NULL,
    status        TEXT         NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    expires_at    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX verification_account ON verification (account_id);
