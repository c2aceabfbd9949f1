// Writes deploy/asyncapi.yaml (AsyncAPI 3.0) from the event catalogue below, which follows docs/events.md and the
// services' event records. Edit here, run `node deploy/tools/generate-asyncapi.mjs`, commit both; deploy/validate.sh
// fails when the file differs from what this script writes, and parses it with @asyncapi/parser.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const YAML = require('yaml');

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const str = (description, extra = {}) => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const time = (description) => ({ $ref: '#/components/schemas/Instant', ...(description ? { description } : {}) });
const en = (values, description) => ({ type: 'string', enum: values, ...(description ? { description } : {}) });
const obj = (properties, optional = [], description) => ({
  type: 'object', ...(description ? { description } : {}),
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
  additionalProperties: true, // consumers ignore unknown fields (docs/events.md)
});

const schemas = {
  AccountId: str('The recovery account id, `sub@iss` (also the Kafka key).', { minLength: 1 }),
  Uuid: str(undefined, { format: 'uuid' }),
  Instant: str('RFC 3339 UTC time.', { format: 'date-time' }),
  Platform: en(['ios', 'android'], 'Storage location of a backup.'),
  EntryKind: en(['personal', 'work_school', 'third_party']),
  BackupStatus: en(['current', 'sign_in_required'], 'Status of a backup (sign_in_required: out of date).'),
  Channel: en(['email', 'sms']),
  BackupEntry: obj({ ref: str('Opaque entry reference.'), kind: ref('EntryKind'), pushEnabled: { type: 'boolean' },
    fingerprint: str('HMAC-SHA256(account salt, issuer|username), base64.') }),
  RecoveryEntry: obj({ ref: str('Opaque entry reference.'), kind: ref('EntryKind'), pushEnabled: { type: 'boolean' },
    requirement: en(['none', 'device_credential', 'verification']) }),
};
const backupData = {
  accountId: ref('AccountId'), platform: ref('Platform'), version: { type: 'integer', minimum: 1 },
  revision: { type: 'integer', minimum: 1, description: 'Grows by one with every change of the backup; apply only newer.' },
};

// topic -> { producer, consumers, retention, description, events: [type, subject, summary, schema] }
const topics = {
  'backup.events': {
    producer: 'backup-service', consumers: ['recovery-service'], retentionMs: 604800000,
    description: "backup-service's events: the recovery projection of each account's backups, and key releases.",
    events: [
      ['backup.stored.v1', 'platform', 'A new current version of a backup.', obj({ ...backupData, status: ref('BackupStatus'),
        updatedAt: time(), deviceId: str(), entries: { type: 'array', items: ref('BackupEntry') },
        restoredFrom: { type: ['integer', 'null'], description: 'The old version this one copies (POST .../restore {version}).' } }, ['restoredFrom'])],
      ['backup.deleted.v1', 'platform', 'A backup was soft-deleted; restorable until restorableUntil.',
        obj({ ...backupData, deletedAt: time(), restorableUntil: time() })],
      ['backup.restored.v1', 'platform', 'A deleted backup is live again.', obj({ ...backupData, status: ref('BackupStatus'),
        updatedAt: time(), deviceId: str(), entries: { type: 'array', items: ref('BackupEntry') } })],
      ['backup.status-changed.v1', 'platform', "A backup's status changed without a new version.",
        obj({ ...backupData, status: ref('BackupStatus'), previousStatus: ref('BackupStatus'), changedAt: time() })],
      ['backup.released.v1', 'recoveryId', "A version's ciphertext and data key went to a recovery's device.",
        obj({ accountId: ref('AccountId'), recoveryId: ref('Uuid'), platform: ref('Platform'), version: { type: 'integer', minimum: 1 },
          deviceId: str(), releasedAt: time() })],
    ],
  },
  'recovery.events': {
    producer: 'recovery-service', consumers: ['backup-service', 'verification-service', 'notification-service'], retentionMs: 604800000,
    description: "recovery-service's saga events.",
    events: [
      ['recovery.started.v1', 'recoveryId', 'A recovery began; each entry with what it needs before it is restored.',
        obj({ recoveryId: ref('Uuid'), accountId: ref('AccountId'), platform: ref('Platform'), backupVersion: { type: 'integer', minimum: 1 },
          deviceId: str(), startedAt: time(), expiresAt: time(), entries: { type: 'array', items: ref('RecoveryEntry') } })],
      ['recovery.push-key-authorized.v1', 'recoveryId', "The device may register a push key for this entry until expiresAt.",
        obj({ recoveryId: ref('Uuid'), accountId: ref('AccountId'), entryRef: str(), deviceId: str(), expiresAt: time() })],
      ['recovery.completed.v1', 'recoveryId', 'Every entry is restored.',
        obj({ recoveryId: ref('Uuid'), accountId: ref('AccountId'), deviceId: str(), completedAt: time(),
          durationMs: { type: 'integer', minimum: 0, description: 'Milliseconds from start to completion.' } })],
      ['recovery.expired.v1', 'recoveryId', 'The recovery stalled past its TTL (default 24 h).',
        obj({ recoveryId: ref('Uuid'), accountId: ref('AccountId'), deviceId: str(), expiredAt: time() })],
      ['recovery.cancelled.v1', 'recoveryId', 'The user cancelled the recovery.',
        obj({ recoveryId: ref('Uuid'), accountId: ref('AccountId'), deviceId: str(), cancelledAt: time() })],
    ],
  },
  'verification.events': {
    producer: 'verification-service', consumers: ['recovery-service'], retentionMs: 604800000,
    description: "verification-service's events (no value, no code, no hint).",
    events: [
      ['verification.succeeded.v1', 'verificationId', 'Step-up verification of an entry succeeded on a device.',
        obj({ verificationId: ref('Uuid'), recoveryId: ref('Uuid'), accountId: ref('AccountId'), entryRef: str(), deviceId: str(),
          method: en(['password_and_proof', 'activation_code']), verifiedAt: time() })],
      ['verification.failed.v1', 'verificationId', 'A step-up verification ended without success.',
        obj({ verificationId: ref('Uuid'), recoveryId: ref('Uuid'), accountId: ref('AccountId'), entryRef: str(), deviceId: str(),
          reason: en(['burned', 'expired']), at: time() })],
      ['verification.security-info-changed.v1', 'proofId', 'An alternate email or phone was added, confirmed or removed.',
        obj({ accountId: ref('AccountId'), proofId: ref('Uuid'), type: en(['email', 'phone']), change: en(['added', 'confirmed', 'removed']), at: time() })],
    ],
  },
  'verification.code-deliveries': {
    producer: 'verification-service', consumers: ['notification-service'], retentionMs: 3600000,
    description: 'One-time codes in flight to notification-service, which alone may read it. Short retention (1 h).',
    events: [
      ['verification.code-delivery.v1', null, 'Send this one-time code to this address. Carries a secret: never log it.',
        obj({ deliveryId: ref('Uuid'), accountId: ref('AccountId'), channel: ref('Channel'), to: str('Email address or E.164 phone number.'),
          code: str('The 8-digit one-time code.', { pattern: '^[0-9]{8}$' }), purpose: en(['confirm_security_info', 'step_up']), expiresAt: time() })],
      ['verification.notice-delivery.v1', null, 'An independent-channel notice about a security-info change (no code).',
        obj({ deliveryId: ref('Uuid'), accountId: ref('AccountId'), channel: ref('Channel'), to: str(),
          notice: en(['security_info_added', 'security_info_removed']), proofHint: str('Masked hint of the changed proof.'), at: time() })],
    ],
  },
  'device.events': {
    producer: 'notification-service', consumers: ['recovery-service'], retentionMs: 604800000,
    description: "notification-service's device events.",
    events: [
      ['device.push-key-registered.v1', 'deviceId', 'A device registered a push key for an entry (proof of possession checked).',
        obj({ accountId: ref('AccountId'), recoveryId: ref('Uuid'), entryRef: str(), deviceId: str(), keyId: ref('Uuid'), pushProvider: en(['apns', 'fcm']), registeredAt: time() })],
      ['device.credential-issued.v1', 'deviceId', 'A per-device OATH credential was issued for a personal entry.',
        obj({ accountId: ref('AccountId'), recoveryId: ref('Uuid'), entryRef: str(), deviceId: str(), credentialId: ref('Uuid'), issuedAt: time() })],
      ['device.revoked.v1', 'deviceId', "A device's credentials and push keys were revoked.",
        obj({ accountId: ref('AccountId'), deviceId: str(), revokedAt: time() })],
    ],
  },
};
const services = ['backup-service', 'recovery-service', 'verification-service', 'notification-service'];
for (const s of services) {
  topics[`${s}.dlq`] = { producer: s, consumers: [], retentionMs: 1209600000, dlq: true,
    description: `${s}'s dead letters: records it could not process after bounded retries, as received (same key, headers and value) plus SmallRye's dead-letter-* headers.`,
    events: [] };
}

const camel = (s) => s.replace(/[.-](\w)/g, (_, c) => c.toUpperCase());
const channels = {}, operations = {}, messages = {}, dataSchemas = {};
for (const [topic, t] of Object.entries(topics)) {
  const ch = camel(topic);
  const chMessages = {};
  for (const [type, subject, summary, schema] of t.events) {
    const name = camel(type.replace(/\.v\d+$/, '')) + 'V' + type.match(/\.v(\d+)$/)[1];
    const dataName = name.charAt(0).toUpperCase() + name.slice(1) + 'Data';
    dataSchemas[dataName] = schema;
    messages[name] = {
      name: type, title: type, summary, contentType: 'application/json',
      headers: { allOf: [{ $ref: '#/components/schemas/CloudEventHeaders' }, {
        type: 'object', required: subject ? ['ce_type', 'ce_subject'] : ['ce_type'],
        properties: { ce_type: { const: type }, ce_source: { const: `/${t.producer}` },
          ...(subject ? { ce_subject: str(`The event's ${subject}.`) } : {}) } }] },
      payload: { $ref: `#/components/schemas/${dataName}` },
      bindings: { kafka: { key: { $ref: '#/components/schemas/AccountId' }, bindingVersion: '0.5.0' } },
    };
    chMessages[name] = { $ref: `#/components/messages/${name}` };
  }
  if (t.dlq) {
    messages[`${ch}Record`] = { name: `${topic} record`, title: `Dead letter on ${topic}`, contentType: 'application/json',
      summary: 'Any record of a consumed topic, unchanged, with dead-letter-reason / dead-letter-cause / dead-letter-topic / dead-letter-partition / dead-letter-offset headers.',
      headers: { type: 'object', properties: { 'dead-letter-reason': str(), 'dead-letter-cause': str(), 'dead-letter-topic': str(),
        'dead-letter-partition': str(), 'dead-letter-offset': str() }, additionalProperties: true },
      payload: {}, bindings: { kafka: { key: { $ref: '#/components/schemas/AccountId' }, bindingVersion: '0.5.0' } } };
    chMessages[`${ch}Record`] = { $ref: `#/components/messages/${ch}Record` };
  }
  channels[ch] = { address: topic, title: topic, description: t.description, messages: chMessages,
    bindings: { kafka: { topic, partitions: 6, replicas: 3,
      topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': t.retentionMs }, bindingVersion: '0.5.0' } } };
  const msgRefs = Object.keys(chMessages).map((m) => ({ $ref: `#/channels/${ch}/messages/${m}` }));
  operations[`${camel(t.producer)}Sends${ch.charAt(0).toUpperCase() + ch.slice(1)}`] = {
    action: 'send', channel: { $ref: `#/channels/${ch}` }, title: `${t.producer} publishes to ${topic}`,
    summary: t.dlq ? 'Dead-letters what its consumers cannot process.' : 'Relayed from its outbox table (same transaction as the state change), acks=all, idempotent producer.',
    messages: msgRefs };
  for (const c of t.consumers) {
    operations[`${camel(c)}Receives${ch.charAt(0).toUpperCase() + ch.slice(1)}`] = {
      action: 'receive', channel: { $ref: `#/channels/${ch}` }, title: `${c} consumes ${topic}`,
      summary: `Consumer group ${c}; idempotent on ce_id; dead-letters to ${c}.dlq after bounded retries.`,
      bindings: { kafka: { groupId: { type: 'string', const: c }, bindingVersion: '0.5.0' } },
      messages: msgRefs };
  }
}

const doc = {
  asyncapi: '3.0.0',
  info: { title: 'Authenticator backup & recovery events', version: '1.0.0',
    description: 'Every Kafka topic and event of the platform (docs/events.md). CloudEvents 1.0 in Kafka binary mode: the ce_* headers carry the attributes, the value is the JSON data. Key = recovery account id (`sub@iss`), so one account\'s events stay in order. Consumers ignore unknown fields.' },
  defaultContentType: 'application/json',
  servers: { kubernetes: { host: 'authbackup-kafka-bootstrap:9093', protocol: 'kafka-secure', description: 'Strimzi cluster of deploy/k8s (TLS + SCRAM-SHA-512, ACLs per service).', security: [{ $ref: '#/components/securitySchemes/scram' }] },
    local: { host: '127.0.0.1:9092', protocol: 'kafka', description: './platform up and docker compose (PLAINTEXT).' } },
  channels, operations,
  components: {
    securitySchemes: { scram: { type: 'scramSha512', description: 'KafkaUser per service (deploy/k8s/base/kafka/users.yaml).' } },
    schemas: {
      CloudEventHeaders: { type: 'object', description: 'CloudEvents 1.0 Kafka binary-mode headers (UTF-8 strings).',
        required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'content-type'],
        properties: { ce_specversion: { const: '1.0' }, ce_id: str('Unique event id (the outbox row id); consumers deduplicate on it.', { format: 'uuid' }),
          ce_type: str('Versioned event type, e.g. backup.stored.v1.'), ce_source: str('/<producing service>.'),
          ce_time: str('When the state change happened (RFC 3339).', { format: 'date-time' }), ce_subject: str('What the event is about (see each message).'),
          'content-type': { const: 'application/json' } } },
      ...schemas, ...dataSchemas },
    messages,
  },
};
const out = process.argv[2] ?? new URL('../asyncapi.yaml', import.meta.url); // validate.sh passes a temporary path
writeFileSync(out, '# Generated by deploy/tools/generate-asyncapi.mjs from docs/events.md; edit that script, not this file.\n' + YAML.stringify(doc, { lineWidth: 120, aliasDuplicateObjects: false }));
console.log(`wrote ${out}: ${Object.keys(channels).length} channels, ${Object.keys(messages).length} messages, ${Object.keys(operations).length} operations`);
