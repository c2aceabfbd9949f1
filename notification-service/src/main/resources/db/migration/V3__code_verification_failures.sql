-- Failed POST /v1/codes/verify attempts per account, so that guessing TOTP codes is rate limited.
CREATE TABLE code_verification_failure (
    id          BIGSERIAL    PRIMARY KEY,
    account_id  TEXT         NOT NULL,
    failed_at   TIMESTAMPTZ  NOT NULL
);
CREATE INDEX code_verification_failure_account ON code_verification_failure (account_id, failed_at);
