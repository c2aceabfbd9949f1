// Validates rendered Kubernetes manifests (multi-document YAML files given as arguments) without a cluster:
//  - core kinds against kubernetes-models (the Kubernetes OpenAPI schemas), Gateway API and prometheus-operator kinds
//    against @kubernetes-models/gateway-api and @kubernetes-models/prometheus-operator;
//  - Strimzi, CloudNativePG and NGINX Gateway Fabric kinds against their CRDs' openAPIV3Schema vendored under
//    deploy/schemas/ (ajv), strictly: a field the CRD does not declare is an error (the API server would prune it);
//  - any other kind is an error (nothing goes unchecked).
// Also checks the cross-references kustomize cannot: every configMapRef / secretKeyRef / volume Secret a workload uses
// is either rendered or listed as created outside (README's Secrets and operator-written Secrets).
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const YAML = require('yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const nm = new URL('../node_modules/', import.meta.url).pathname;

const modelPath = (apiVersion, kind) => {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'gateway.networking.k8s.io') return `${nm}@kubernetes-models/gateway-api/${group}/${version}/${kind}.js`;
  if (group === 'monitoring.coreos.com') return `${nm}@kubernetes-models/prometheus-operator/${group}/${version}/${kind}.js`;
  const dir = group === '' ? '' : group.endsWith('.k8s.io') || !group.includes('.') ? group : null;
  if (dir === null) return null;
  return `${nm}kubernetes-models/${dir}/${version}/${kind}.js`.replace('kubernetes-models//', 'kubernetes-models/');
};

// CRD schemas: structural schemas; close every object that declares properties and does not preserve unknown fields.
const strict = (s) => {
  if (!s || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map(strict);
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, strict(ps)])) : strict(v);
  }
  if (s.type === 'object' && s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  if (s['x-kubernetes-int-or-string']) { delete out.type; out.anyOf = [{ type: 'integer' }, { type: 'string' }]; }
  return out;
};
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv);
const crdValidators = new Map();
const crdValidator = (apiVersion, kind) => {
  const key = `${apiVersion}/${kind}`;
  if (!crdValidators.has(key)) {
    const [group, version] = apiVersion.split('/');
    const file = new URL(`../schemas/${group}/${kind}_${version}.json`, import.meta.url);
    if (!existsSync(file)) { crdValidators.set(key, null); } else {
      const { $comment, ...schema } = JSON.parse(readFileSync(file, 'utf8'));
      // metadata is validated by the API server, not by the CRD schema: keep it open.
      schema.properties.metadata = { type: 'object' };
      crdValidators.set(key, ajv.compile(strict(schema)));
    }
  }
  return crdValidators.get(key);
};

// Secrets and ConfigMaps that exist in the cluster without being rendered here.
const external = {
  Secret: [
    /-db-app$/,                                   // CloudNativePG: <cluster>-app
    /^(backup|recovery|verification|notification)-service$/, // Strimzi User Operator: KafkaUser secrets
    /^authbackup-cluster-ca-cert$/,               // Strimzi: cluster CA certificate
    /^backup-kek$/, /^verification-secrets$/, /^verification-redis$/, /^notification-secrets$/, // README: Secrets
    /-tls$/,                                      // README: the gateway's TLS certificate
  ],
  ConfigMap: [],
};

let failures = 0, checked = 0;
const routeMaps = []; // [file, kind, Map(prefix -> service:port)] : the Gateway's and the Ingress's routes must agree
const fail = (where, msg) => { failures++; console.error(`  FAIL ${where}: ${msg}`); };
for (const file of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
  const objs = [];
  for (const d of docs) {
    if (d.errors.length) { fail(file, d.errors.map(String).join('; ')); continue; }
    const o = d.toJSON(); if (o) objs.push(o);
  }
  const byKind = {};
  for (const o of objs) (byKind[o.kind] ??= new Set()).add(o.metadata?.name);
  const counts = {};
  for (const o of objs) {
    const where = `${file.split('/').pop()} ${o.kind}/${o.metadata?.name}`;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) { fail(where, 'apiVersion, kind and metadata.name are required'); continue; }
    const v = crdValidator(o.apiVersion, o.kind);
    if (v) {
      if (!v(o)) fail(where, ajv.errorsText(v.errors, { dataVar: o.kind, separator: '; ' }));
    } else if (v === null && modelPath(o.apiVersion, o.kind) && existsSync(modelPath(o.apiVersion, o.kind))) {
      const mod = await import(modelPath(o.apiVersion, o.kind));
      try { new mod[o.kind](o).validate(); } catch (e) { fail(where, e.message); }
    } else { fail(where, `no schema for ${o.apiVersion} ${o.kind}: vendor its CRD schema under deploy/schemas/`); continue; }
    counts[o.kind] = (counts[o.kind] ?? 0) + 1; checked++;
    // References from workloads.
    const pod = o.spec?.template?.spec;
    if (pod) {
      const refs = [];
      for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        for (const ef of c.envFrom ?? []) { if (ef.configMapRef) refs.push(['ConfigMap', ef.configMapRef.name]); if (ef.secretRef) refs.push(['Secret', ef.secretRef.name]); }
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) refs.push(['Secret', e.valueFrom.secretKeyRef.name]);
          if (e.valueFrom?.configMapKeyRef) refs.push(['ConfigMap', e.valueFrom.configMapKeyRef.name]);
        }
        if (c.securityContext?.allowPrivilegeEscalation !== false) fail(where, `container ${c.name}: allowPrivilegeEscalation must be false`);
        if (c.securityContext?.readOnlyRootFilesystem !== true) fail(where, `container ${c.name}: readOnlyRootFilesystem must be true`);
        if (!c.securityContext?.capabilities?.drop?.includes('ALL')) fail(where, `container ${c.name}: must drop ALL capabilities`);
        if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) fail(where, `container ${c.name}: memory request and limit required`);
      }
      for (const vol of pod.volumes ?? []) { if (vol.secret) refs.push(['Secret', vol.secret.secretName]); if (vol.configMap) refs.push(['ConfigMap', vol.configMap.name]); }
      for (const [kind, name] of refs) {
        if (!byKind[kind]?.has(name) && !external[kind].some((re) => re.test(name))) fail(where, `${kind} ${name} is neither rendered nor a documented external ${kind}`);
      }
      if (pod.securityContext?.runAsNonRoot !== true) fail(where, 'runAsNonRoot must be true');
      if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') fail(where, 'seccompProfile must be RuntimeDefault');
    }
    // Services, HPAs, PDBs and HTTPRoute backends point at rendered objects.
    if (o.kind === 'HorizontalPodAutoscaler' && !byKind[o.spec.scaleTargetRef.kind]?.has(o.spec.scaleTargetRef.name)) fail(where, 'scaleTargetRef not rendered');
    if (o.kind === 'HTTPRoute') for (const r of o.spec.rules) for (const b of r.backendRefs ?? []) if (!byKind.Service?.has(b.name)) fail(where, `backend Service ${b.name} not rendered`);
    if (o.kind === 'Ingress') for (const r of o.spec.rules) for (const p of r.http.paths) if (!byKind.Service?.has(p.backend.service.name)) fail(where, `backend Service ${p.backend.service.name} not rendered`);
  }
  const routes = new Map(), ingress = new Map();
  for (const o of objs.filter((o) => o.kind === 'HTTPRoute')) for (const r of o.spec.rules) for (const m of r.matches ?? []) routes.set(m.path.value, r.backendRefs.map((b) => `${b.name}:${b.port}`).join());
  for (const o of objs.filter((o) => o.kind === 'Ingress')) for (const r of o.spec.rules) for (const p of r.http.paths) ingress.set(p.path, `${p.backend.service.name}:${p.backend.service.port.number}`);
  if (routes.size) routeMaps.push([file, 'HTTPRoute', routes]);
  if (ingress.size) routeMaps.push([file, 'Ingress', ingress]);
  console.log(`  ${file.split('/').pop()}: ${objs.length} objects — ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}`);
}
const key = (m) => JSON.stringify([...m].sort());
for (const [file, kind, m] of routeMaps.slice(1)) {
  if (key(m) !== key(routeMaps[0][2])) fail(`${file.split('/').pop()} ${kind}`, `routes ${key(m)} differ from ${routeMaps[0][1]} of ${routeMaps[0][0].split('/').pop()}: ${key(routeMaps[0][2])}`);
}
if (routeMaps.length) console.log(`  routes: ${routeMaps.length} route sets (${routeMaps.map(([f, k]) => `${f.split('/').pop()} ${k}`).join(', ')}) map the same ${routeMaps[0][2].size} prefixes to the same services`);
console.log(`  ${checked} objects checked, ${failures} failure(s)`);
process.exit(failures ? 1 : 0);
