-- A personal entry that uses push is restored once the device has both its own credential and its push key, which
-- arrive in either order: each arrival is recorded.
ALTER TABLE recovery_entry
    ADD COLUMN credential_issued_at   TIMESTAMPTZ,
    ADD COLUMN push_key_registered_at TIMESTAMPTZ;
