-- backup.events carry the backup's revision (it grows with every change: store, delete, undelete,
-- status change); the projection applies an event only if it is newer than what it holds.
ALTER TABLE backup_projection ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
