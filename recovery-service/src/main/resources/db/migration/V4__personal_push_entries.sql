-- A personal entry that uses push is restored once the device has both its own credential and its push key, which
-- arrive in either order: each arrival is recorded.
ALTER TABLE recovery_entry
    ADD COLUMN credential_issued_at   TIMESTAMPTZ,
    ADD COLUMN push_key_registered_at TIMESTAMPTZ;
-- Recoveries begun before this rule keep the old one (the push key alone restores the entry): their credential
-- events may have been consumed and ignored already, and waiting for them again would stall the recovery.
UPDATE recovery_entry SET credential_issued_at = updated_at WHERE kind = 'personal' AND requirement = 'verification';
