-- Wakes the outbox relay as soon as a transaction that wrote events commits: NOTIFY is delivered at
-- commit (and not at all on rollback), once per transaction and channel. The relay's polling stays as
-- the fallback for a lost listener connection.
CREATE OR REPLACE FUNCTION outbox_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_event', '');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS outbox_event_notify ON outbox_event;
CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_notify();
