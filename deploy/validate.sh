#!/usr/bin/env bash
# Validates deploy/ without a cluster; exits non-zero on any failure and says what it checked.
#   deploy/validate.sh
# Needs kubectl (Debian/Ubuntu package; `kubectl kustomize` renders offline), node + npm (installs deploy/package.json's
# locked packages into deploy/node_modules on first run), python3, and promtool (Debian package `prometheus`: installed
# with apt-get when missing and root; otherwise its checks are skipped and said so).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
failures=0
section() { printf '\n== %s\n' "$*"; }
pass() { printf '  ok   %s\n' "$*"; }
failed() { printf '  FAIL %s\n' "$*"; failures=$((failures + 1)); }
need() { command -v "$1" >/dev/null 2>&1 || { echo "validate.sh: $1 is required ($2)" >&2; exit 2; }; }
need kubectl "apt-get install kubectl, or any kubectl >= 1.27"
need node "node >= 20"
need npm "npm"
need python3 "python3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
start=$SECONDS

section "tools"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "  installing deploy/package.json's locked packages (npm ci; first run only)"
  npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1 || { cat "$tmp/npm.log"; echo "validate.sh: npm ci failed" >&2; exit 2; }
fi
pass "npm packages: $(node -p "Object.entries(require('./package.json').dependencies).map(([k,v])=>k+'@'+v).join(', ')")"
if ! command -v promtool >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "  installing promtool (Debian package prometheus)"
  { apt-get install -y --no-install-recommends prometheus || { apt-get update && apt-get install -y --no-install-recommends prometheus; }; } >"$tmp/apt.log" 2>&1 \
    || echo "  (apt-get install prometheus failed; see below)"
fi
pass "kubectl $(kubectl version --client -o json 2>/dev/null | node -p 'JSON.parse(require("fs").readFileSync(0)).clientVersion.gitVersion'), node $(node --version)$(command -v promtool >/dev/null && echo ", $(promtool --version 2>&1 | head -1)")"

section "kustomize: render every overlay"
overlays=(dev prod prod-ingress-nginx)
for o in "${overlays[@]}"; do
  if kubectl kustomize "k8s/overlays/$o" >"$tmp/$o.yaml" 2>"$tmp/$o.err"; then
    pass "k8s/overlays/$o: $(grep -c '^kind:' "$tmp/$o.yaml") objects"
  else
    failed "k8s/overlays/$o does not render: $(cat "$tmp/$o.err")"
  fi
done

section "schemas: Kubernetes, Gateway API, prometheus-operator models; Strimzi, CloudNativePG, NGF CRDs (deploy/schemas)"
rendered=(); for o in "${overlays[@]}"; do [[ -s $tmp/$o.yaml ]] && rendered+=("$tmp/$o.yaml"); done
if node tools/validate-manifests.mjs "${rendered[@]}"; then pass "rendered manifests are valid"; else failed "rendered manifests"; fi

section "Prometheus rules"
node -e '
  const Y = require("yaml"); const fs = require("fs");
  const rule = Y.parseAllDocuments(fs.readFileSync(process.argv[1], "utf8")).map((d) => d.toJSON()).find((o) => o?.kind === "PrometheusRule");
  fs.writeFileSync(process.argv[2], Y.stringify({ groups: rule.spec.groups }));' "$tmp/prod.yaml" "$tmp/rules.yaml"
if command -v promtool >/dev/null; then
  if promtool check rules "$tmp/rules.yaml" >"$tmp/promtool.log" 2>&1; then pass "promtool check rules: $(grep -o '[0-9]* rules found' "$tmp/promtool.log")"; else failed "promtool check rules: $(cat "$tmp/promtool.log")"; fi
  sed "s#RULES_FILE#$tmp/rules.yaml#" k8s/base/observability/alerts.test.yaml >"$tmp/alerts.test.yaml"
  if promtool test rules "$tmp/alerts.test.yaml" >"$tmp/promtest.log" 2>&1; then pass "promtool test rules: $(grep -c 'alertname:' k8s/base/observability/alerts.test.yaml) alert expectations hold (k8s/base/observability/alerts.test.yaml)"; else failed "promtool test rules: $(cat "$tmp/promtest.log")"; fi
else
  echo "  SKIPPED promtool checks (promtool not installed; apt-get install prometheus)"
fi

section "dashboards, metric list, AsyncAPI, topics"
if python3 grafana/generate-dashboards.py "$tmp" >/dev/null && diff -q "$tmp/platform-overview.json" grafana/platform-overview.json >/dev/null \
    && diff -q "$tmp/recovery-funnel.json" grafana/recovery-funnel.json >/dev/null; then
  pass "grafana/*.json are what generate-dashboards.py writes"
else failed "grafana/*.json differ from generate-dashboards.py's output: run python3 deploy/grafana/generate-dashboards.py"; fi
python3 tools/metrics-in-queries.py grafana/*.json k8s/base/observability/prometheusrule.yaml >"$tmp/queried.txt"
grep -v '^\s*\(#\|$\)' grafana/metrics-used.txt | sort -u >"$tmp/listed.txt"
if diff "$tmp/queried.txt" "$tmp/listed.txt" >"$tmp/metrics.diff"; then
  pass "grafana/metrics-used.txt lists exactly the $(wc -l <"$tmp/listed.txt") metrics the dashboards and alerts query"
else failed "grafana/metrics-used.txt differs from the metrics queried (< queried only, > listed only): $(cat "$tmp/metrics.diff")"; fi
if node tools/generate-asyncapi.mjs "$tmp/asyncapi.yaml" >/dev/null && diff -q "$tmp/asyncapi.yaml" asyncapi.yaml >/dev/null; then
  pass "asyncapi.yaml is what tools/generate-asyncapi.mjs writes"
else failed "asyncapi.yaml differs from tools/generate-asyncapi.mjs's output: run node deploy/tools/generate-asyncapi.mjs"; fi
if node tools/validate-catalogue.mjs "$tmp/prod.yaml"; then :; else failed "event catalogue or dashboards"; fi

section "container images: Jib config, Dockerfile.jvm and the rendered Deployments agree"
if node tools/check-images.mjs "${rendered[@]}"; then :; else failed "container images"; fi

section "check-metrics.sh (against fixtures)"
{ echo '# TYPE x counter'; sed 's/$/{a="b"} 1/' "$tmp/listed.txt"; } >"$tmp/all.prom"
head -n -1 "$tmp/all.prom" >"$tmp/most.prom"
last=$(tail -1 "$tmp/listed.txt")
if ./check-metrics.sh "file://$tmp/all.prom" >/dev/null && ! ./check-metrics.sh "file://$tmp/most.prom" >"$tmp/cm.log" && grep -q "MISSING $last" "$tmp/cm.log"; then
  pass "check-metrics.sh passes when all are exposed and names the one missing ($last)"
else failed "check-metrics.sh self-test"; fi

printf '\n%s in %ss: %s\n' "deploy/validate.sh" "$((SECONDS - start))" "$( ((failures)) && echo "$failures check(s) FAILED" || echo "all checks passed")"
((failures == 0))
