// Checks, without building or pulling anything, that each service's three descriptions of its container image agree
// (run by deploy/validate.sh with the rendered overlays as arguments):
//  - the Jib configuration Maven builds from (platform-common's META-INF/microprofile-config.properties, overridden by
//    the service's application.properties): ghcr.io/authbackup/<quarkus.application.name>:<tag>, base image, user,
//    working directory, port;
//  - <service>/src/main/docker/Dockerfile.jvm: FROM, USER, EXPOSE, and the fast-jar paths it copies into /deployments;
//  - the Deployment of every rendered overlay: image, runAsUser/runAsNonRoot, readOnlyRootFilesystem, containerPort.
// Also: platform-common's pom brings quarkus-container-image-jib, and, where `./mvnw package` has run, the
// target/quarkus-app paths the Dockerfile copies exist (otherwise that check is reported as skipped).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const YAML = require('yaml');
const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
let failures = 0;
const fail = (m) => { failures++; console.error(`  FAIL ${m}`); };
const ok = (m) => console.log(`  ok   ${m}`);

// Quarkus properties: later files override earlier ones; `${NAME:default}` resolves to its default (no env at build).
const properties = (...paths) => {
  const p = {};
  for (const path of paths) {
    for (const line of read(path).split('\n')) {
      const m = line.match(/^\s*([^#!\s][^=]*?)\s*=\s*(.*)$/);
      if (m) p[m[1]] = m[2].trim();
    }
  }
  const resolve = (v) => v?.replace(/\$\{([^}:]+)(?::([^}]*))?\}/g, (_, k, d) => (p[k] !== undefined ? resolve(p[k]) : d ?? ''));
  return (key) => resolve(p[key]);
};

const commonPom = read('platform-common/pom.xml');
if (/<artifactId>quarkus-container-image-jib<\/artifactId>/.test(commonPom)) ok('platform-common brings quarkus-container-image-jib to every service');
else fail('platform-common/pom.xml does not depend on io.quarkus:quarkus-container-image-jib');

const rendered = process.argv.slice(2).map((f) => ({ file: f,
  deployments: YAML.parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJSON()).filter((o) => o?.kind === 'Deployment') }));

for (const svc of ['backup-service', 'recovery-service', 'verification-service', 'notification-service']) {
  const problems = [];
  const cfg = properties('platform-common/src/main/resources/META-INF/microprofile-config.properties', `${svc}/src/main/resources/application.properties`);
  const name = cfg('quarkus.container-image.name') ?? cfg('quarkus.application.name');
  const image = `${cfg('quarkus.container-image.registry')}/${cfg('quarkus.container-image.group')}/${name}:${cfg('quarkus.container-image.tag')}`;
  const user = cfg('quarkus.jib.user');
  const workdir = cfg('quarkus.jib.working-directory');
  const port = cfg('quarkus.jib.ports') ?? cfg('quarkus.http.port');
  if (name !== svc) problems.push(`Jib image name ${name}, expected ${svc}`);
  if (cfg('quarkus.container-image.build') !== 'false') problems.push('quarkus.container-image.build must default to false (normal builds stay fast)');
  if (cfg('quarkus.container-image.push') !== 'false') problems.push('quarkus.container-image.push must default to false');
  if (!/^[1-9]\d*$/.test(user ?? '')) problems.push(`quarkus.jib.user ${user}: a numeric non-root uid is required`);
  if (cfg('quarkus.jib.use-current-timestamp') !== 'false' || cfg('quarkus.jib.use-current-timestamp-file-modification') !== 'false') {
    problems.push('quarkus.jib.use-current-timestamp(-file-modification) must be false (reproducible layers)');
  }

  const dockerfile = read(`${svc}/src/main/docker/Dockerfile.jvm`);
  const from = dockerfile.match(/^FROM\s+(\S+)/m)?.[1];
  const dUser = dockerfile.match(/^USER\s+(\S+)/m)?.[1];
  const expose = dockerfile.match(/^EXPOSE\s+(\d+)/m)?.[1];
  const copies = [...dockerfile.matchAll(/^COPY\s+(?:--chown=\S+\s+)?(\S+)\s+(\S+)/gm)].map((m) => [m[1], m[2]]);
  if (from !== cfg('quarkus.jib.base-jvm-image')) problems.push(`Dockerfile.jvm FROM ${from} != quarkus.jib.base-jvm-image ${cfg('quarkus.jib.base-jvm-image')}`);
  if (dUser !== user) problems.push(`Dockerfile.jvm USER ${dUser} != quarkus.jib.user ${user}`);
  if (expose !== port) problems.push(`Dockerfile.jvm EXPOSE ${expose} != the service's HTTP port ${port}`);
  const layout = ['target/quarkus-app/lib/', 'target/quarkus-app/quarkus-run.jar', 'target/quarkus-app/app/', 'target/quarkus-app/quarkus/'];
  for (const src of layout) {
    const copy = copies.find(([s]) => s === src);
    if (!copy) problems.push(`Dockerfile.jvm does not copy ${src}`);
    else if (!copy[1].startsWith(`${workdir}/`)) problems.push(`Dockerfile.jvm copies ${src} to ${copy[1]}, not under quarkus.jib.working-directory ${workdir}`);
  }

  for (const { file, deployments } of rendered) {
    const d = deployments.find((x) => x.metadata.name === svc);
    if (!d) { problems.push(`${file}: no Deployment ${svc}`); continue; }
    const pod = d.spec.template.spec;
    const c = pod.containers.find((x) => x.name === svc) ?? pod.containers[0];
    const runAs = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    if (c.image !== image) problems.push(`${file}: image ${c.image} != Jib's ${image}`);
    if (String(runAs) !== user) problems.push(`${file}: runAsUser ${runAs} != image user ${user}`);
    if (nonRoot !== true) problems.push(`${file}: runAsNonRoot is not true`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${file}: readOnlyRootFilesystem is not true`);
    if (!(c.volumeMounts ?? []).some((v) => v.mountPath === '/tmp')) problems.push(`${file}: no writable /tmp volume for a read-only root`);
    if (!(c.ports ?? []).some((p) => String(p.containerPort) === port)) problems.push(`${file}: no containerPort ${port}`);
  }

  const built = new URL(`${svc}/target/quarkus-app/`, root);
  let layoutNote = 'target/quarkus-app not built (run ./mvnw package): layout SKIPPED';
  if (existsSync(built)) {
    const missing = layout.filter((p) => !existsSync(new URL(`${svc}/${p}`, root))
      || (p.endsWith('/') && !statSync(new URL(`${svc}/${p}`, root)).isDirectory()));
    if (missing.length) problems.push(`after ./mvnw package, missing ${missing.join(', ')}`);
    layoutNote = 'target/quarkus-app has every path Dockerfile.jvm copies';
  }

  if (problems.length) problems.forEach((p) => fail(`${svc}: ${p}`));
  else ok(`${svc}: ${image} from ${from}, user ${user}, ${workdir}, port ${port} — Jib, Dockerfile.jvm and ${rendered.length} rendered overlays agree; ${layoutNote}`);
}
process.exit(failures ? 1 : 0);
