-- pgbench baseline for `./platform bench backup`: the SQL of one backup upload transaction, as
-- backup-service runs it (lock the head, look up the Idempotency-Key, insert the version with its 4 KiB
-- ciphertext and wrapped key, advance the head, write the outbox event), without the HTTP, JSON, TLS-free
-- token check, validation, AES key wrapping and Kafka relay around it. One head per pgbench client.
BEGIN;
SELECT id, current_version FROM backup WHERE account_id = 'bench-pg-' || :client_id AND platform = 'ios' FOR UPDATE;
SELECT v.id FROM backup_version v JOIN backup b ON b.id = v.backup_id
 WHERE b.account_id = 'bench-pg-' || :client_id AND b.platform = 'ios' AND v.idempotency_key = 'none';
INSERT INTO backup_version (id, backup_id, version, device_id, device_name, ciphertext, wrapped_key, kek_id,
                            manifest, settings, entry_count, content_hash, created_at)
SELECT gen_random_uuid(), id, current_version + 1, 'bench-device', 'Bench',
       decode(repeat(md5(random()::text), 256), 'hex'), decode(repeat(md5(random()::text), 4), 'hex') || '\x0123456789abcdef01234567'::bytea,
       'bench-1', repeat('{"ref":"e0","kind":"third_party","pushEnabled":false,"fingerprint":"' || md5(random()::text) || md5(random()::text) || '"}', 20),
       NULL, 20, md5(random()::text) || md5(random()::text), now()
  FROM backup WHERE account_id = 'bench-pg-' || :client_id AND platform = 'ios';
UPDATE backup SET current_version = current_version + 1, revision = revision + 1, updated_at = now(), status = 'current'
 WHERE account_id = 'bench-pg-' || :client_id AND platform = 'ios';
INSERT INTO outbox_event (id, topic, message_key, type, subject, occurred_at, payload)
VALUES (gen_random_uuid(), 'backup.events', 'bench-pg-' || :client_id, 'backup.stored.v1', 'ios', now(),
        repeat('{"ref":"e0","kind":"third_party","pushEnabled":false,"fingerprint":"' || md5(random()::text) || md5(random()::text) || '"}', 20));
COMMIT;
