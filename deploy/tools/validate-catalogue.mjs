// Checks the event catalogue and dashboards without a cluster (run by deploy/validate.sh):
//  - deploy/asyncapi.yaml parses and validates with @asyncapi/parser (no error diagnostics);
//  - its channels, the KafkaTopics of the rendered manifests (argument 1) and the topics of docs/events.md agree,
//    and every event type of docs/events.md has a message;
//  - each message's example data (built here from its schema's required fields) is accepted, and data missing a
//    required field is refused, by the message's payload schema (ajv);
//  - every deploy/grafana/*.json parses and is a dashboard with uniquely-identified panels and a query per panel.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const YAML = require('yaml');
const { Parser } = require('@asyncapi/parser');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const root = new URL('../../', import.meta.url);
let failures = 0;
const fail = (m) => { failures++; console.error(`  FAIL ${m}`); };
const ok = (m) => console.log(`  ok   ${m}`);

// AsyncAPI
const text = readFileSync(new URL('deploy/asyncapi.yaml', root), 'utf8');
const { document, diagnostics } = await new Parser().parse(text);
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of errors) fail(`asyncapi.yaml ${d.path.join('.')}: ${d.message}`);
if (!document) fail('asyncapi.yaml did not parse'); else ok(`asyncapi.yaml: AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.messages().length} messages, ${document.operations().length} operations (${diagnostics.length - errors.length} non-error diagnostics)`);

const raw = YAML.parse(text);
const addresses = new Set(Object.values(raw.channels).map((c) => c.address));
const types = new Set(Object.values(raw.components.messages).map((m) => m.name));
const events = readFileSync(new URL('docs/events.md', root), 'utf8');
const docTopics = new Set([...events.matchAll(/^## ([a-z.-]+)/gm)].map((m) => m[1]));
for (const s of ['backup', 'recovery', 'verification', 'notification']) docTopics.add(`${s}-service.dlq`);
const docTypes = new Set([...events.matchAll(/^\| `([a-z.-]+\.v\d+)`/gm)].map((m) => m[1]));
const rendered = YAML.parseAllDocuments(readFileSync(process.argv[2], 'utf8')).map((d) => d.toJSON()).filter((o) => o?.kind === 'KafkaTopic');
const k8sTopics = new Set(rendered.map((t) => t.spec.topicName));
const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
if (!same(docTopics, addresses)) fail(`topics of docs/events.md [${[...docTopics]}] != asyncapi channels [${[...addresses]}]`);
if (!same(docTopics, k8sTopics)) fail(`topics of docs/events.md [${[...docTopics]}] != KafkaTopics [${[...k8sTopics]}]`);
else ok(`${docTopics.size} topics agree across docs/events.md, asyncapi.yaml and the KafkaTopics`);
for (const t of docTypes) if (!types.has(t)) fail(`event type ${t} of docs/events.md has no AsyncAPI message`);
for (const t of types) if (/\.v\d+$/.test(t) && !docTypes.has(t)) fail(`AsyncAPI message ${t} is not in docs/events.md`);
if (![...docTypes].some((t) => !types.has(t))) ok(`${docTypes.size} event types of docs/events.md each have a message`);
for (const t of rendered) {
  if (t.spec.partitions !== 6 || String(t.spec.config?.['min.insync.replicas']) !== '2') fail(`KafkaTopic ${t.spec.topicName}: partitions 6 and min.insync.replicas 2 expected`);
}

// Payload schemas accept a minimal valid example and refuse one missing a required field.
const ajv = new Ajv({ strict: false, allErrors: true }); addFormats(ajv);
const schemas = raw.components.schemas;
ajv.addSchema({ $id: 'asyncapi', components: { schemas } });
const resolve = (s) => (s?.$ref ? resolve(schemas[s.$ref.split('/').pop()]) : s);
const example = (s) => {
  s = resolve(s);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'object') return Object.fromEntries((s.required ?? []).map((k) => [k, example(s.properties[k])]));
  if (type === 'array') return [example(s.items)];
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return true;
  if (s.format === 'uuid') return '0b5e7a52-8f3a-4c1e-9d6b-1f2a3b4c5d6e';
  if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
  if (s.pattern === '^[0-9]{8}$') return '12345678';
  return 'x';
};
let payloads = 0;
for (const [name, m] of Object.entries(raw.components.messages)) {
  if (!m.payload?.$ref) continue;
  const validate = ajv.compile({ $ref: `asyncapi#/components/schemas/${m.payload.$ref.split('/').pop()}` });
  const good = example(m.payload);
  if (!validate(good)) { fail(`${name}: its own example is refused: ${ajv.errorsText(validate.errors)}`); continue; }
  const [first] = Object.keys(good);
  const { [first]: _, ...bad } = good;
  if (validate(bad)) fail(`${name}: data without required ${first} is accepted`);
  payloads++;
}
ok(`${payloads} payload schemas accept valid data and refuse data missing a required field`);

// The producers' event records (Java source) against the payload schemas: each record of a producing service's
// *Events class whose constant names a type (Stored <-> STORED = "backup.stored.v1") must have exactly the schema's
// properties, all required ones included. Services whose event classes are not in this tree yet are reported.
const sourceRoots = (process.env.EVENT_SOURCE_ROOTS ?? '').split(':').filter(Boolean).map((r) => new URL(`file://${r.replace(/\/?$/, '/')}`));
const messageByType = Object.fromEntries(Object.values(raw.components.messages).map((m) => [m.name, m]));
let records = 0;
for (const svc of ['backup', 'recovery', 'verification', 'notification']) {
  // EVENT_SOURCE_ROOTS (colon-separated checkouts) adds other trees, e.g. a service being built elsewhere; first hit wins.
  let dir, files = [];
  for (const r of [root, ...sourceRoots]) {
    dir = new URL(`${svc}-service/src/main/java/dev/authbackup/${svc}/messaging/`, r);
    try { files = readdirSync(dir).filter((f) => /Events\.java$/.test(f)); } catch { files = []; }
    if (files.length) break;
  }
  let found = 0;
  for (const f of files) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    const constants = Object.fromEntries([...src.matchAll(/static final String (\w+) = "([a-z.-]+\.v\d+)"/g)].map((m) => [m[1], m[2]]));
    for (const m of src.matchAll(/public record (\w+)\(([^)]*)\)/g)) {
      const constant = m[1].replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      const type = constants[constant];
      const msg = type && messageByType[type];
      if (!msg || msg.headers.allOf[1].properties.ce_source.const !== `/${svc}-service`) continue; // a consumer's view or a nested type
      const fields = m[2].split(',').map((x) => x.trim().split(/\s+/).pop()).filter(Boolean);
      const schema = resolve(msg.payload);
      const props = Object.keys(schema.properties);
      const extra = fields.filter((x) => !props.includes(x));
      const missing = (schema.required ?? []).filter((x) => !fields.includes(x));
      if (extra.length || missing.length) fail(`${svc}-service ${f} ${m[1]} vs ${type}: fields not in the schema [${extra}], required fields missing [${missing}]`);
      found++; records++;
    }
  }
  if (!found) console.log(`  note ${svc}-service: no producer event records in this tree (messaging/*Events.java) to compare`);
}
ok(`${records} producer event records (Java source) have exactly their message's schema fields`);

// Dashboards
for (const f of readdirSync(new URL('deploy/grafana/', root)).filter((f) => f.endsWith('.json'))) {
  let d;
  try { d = JSON.parse(readFileSync(new URL(`deploy/grafana/${f}`, root), 'utf8')); } catch (e) { fail(`grafana/${f}: ${e.message}`); continue; }
  const panels = d.panels ?? [];
  const ids = new Set(panels.map((p) => p.id));
  if (!d.uid || !d.title || !panels.length) fail(`grafana/${f}: uid, title and panels required`);
  if (ids.size !== panels.length) fail(`grafana/${f}: panel ids are not unique`);
  for (const p of panels.filter((p) => p.type !== 'row')) if (!p.targets?.length || p.targets.some((t) => !t.expr)) fail(`grafana/${f}: panel "${p.title}" has no query`);
  ok(`grafana/${f}: parses; "${d.title}", ${panels.filter((p) => p.type !== 'row').length} panels, ${panels.flatMap((p) => p.targets ?? []).length} queries`);
}
process.exit(failures ? 1 : 0);
