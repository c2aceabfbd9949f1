-- The outbox is a queue: every event is a row inserted and deleted within moments. Autovacuum's default trigger
-- (50 dead rows + 20 % of the table) is meant for tables that keep their rows; here it is set to a fixed 1000 dead
-- rows, so that dead entries do not pile up in the seq index that every relay round reads. The relay also vacuums
-- the outbox itself every authbackup.outbox.vacuum-every events, for a server whose autovacuum is off or behind.
-- vacuum_truncate off: the table is mostly empty, and cutting its empty end pages off would take an exclusive lock
-- (against the inserts of every upload) at nearly every vacuum.
ALTER TABLE outbox_event SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                              autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000,
                              vacuum_truncate = false);
