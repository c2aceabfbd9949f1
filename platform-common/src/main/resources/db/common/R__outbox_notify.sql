-- No trigger wakes the outbox relay any more. A statement trigger NOTIFYing at every outbox insert made each
-- such commit take PostgreSQL's one notification lock from its pre-commit until its commit record was flushed,
-- so the upload path's commits ran one at a time on the whole server. Outbox.java now NOTIFYs in the insert
-- of an ORM transaction, and wakes the local relay when a SQL-client (upload) transaction completes.
DROP TRIGGER IF EXISTS outbox_event_notify ON outbox_event;
DROP FUNCTION IF EXISTS outbox_event_notify();
