-- Recoveries begun before V4's rule keep the old one (the push key alone restores a personal push entry): their
-- credential events may have been consumed and ignored already, and waiting for them again would stall the recovery.
UPDATE recovery_entry SET credential_issued_at = updated_at
 WHERE kind = 'personal' AND requirement = 'verification' AND credential_issued_at IS NULL;
