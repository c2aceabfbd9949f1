-- Refused attempts are staged in a Redis stream and moved here in batches (AuditStage). The stream entry's id
-- makes that move idempotent: an entry written, then read again because its acknowledgement was lost, adds no
-- second row. Rows written straight here (in a transaction, or while Redis is down) have none.
ALTER TABLE verification_audit ADD COLUMN staged_id TEXT;
ALTER TABLE verification_audit ADD CONSTRAINT verification_audit_staged_id UNIQUE (staged_id);
