#!/usr/bin/env bash
# Checks that every metric the dashboards and alerts query (deploy/grafana/metrics-used.txt, one name per line) is
# exposed by at least one of the running services.
#   deploy/check-metrics.sh http://127.0.0.1:8081/q/metrics http://127.0.0.1:8082/q/metrics ...
# Exits 1 naming each metric found in none of the URLs (and 2 if a URL cannot be fetched). Lines of metrics-used.txt
# that are empty or start with # are ignored. Note: Micrometer registers a tagged counter on its first increment, so
# a counter whose event has not happened yet since start (e.g. authbackup_events_dead_lettered_total) is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=${METRICS_USED:-$here/grafana/metrics-used.txt}
(( $# > 0 )) || { echo "usage: $0 METRICS_URL..." >&2; exit 64; }
exposed=$(mktemp); trap 'rm -f "$exposed"' EXIT
for url in "$@"; do
  if ! body=$(curl -fsS --max-time 10 "$url"); then echo "check-metrics: cannot fetch $url" >&2; exit 2; fi
  # Sample lines: name{labels} value | name value. Also the names in # TYPE lines (registered meters).
  awk '/^# TYPE /{print $3; next} /^#/{next} NF{sub(/[{ ].*/, ""); print}' <<<"$body" >>"$exposed"
  echo "check-metrics: $url: $(grep -c '' <<<"$body") lines"
done
sort -u -o "$exposed" "$exposed"
missing=0; total=0
while IFS= read -r name; do
  [[ -z $name || $name == \#* ]] && continue
  total=$((total + 1))
  if ! grep -qxF "$name" "$exposed"; then echo "check-metrics: MISSING $name (queried by deploy/grafana or the PrometheusRule, exposed by none)"; missing=$((missing + 1)); fi
done <"$list"
echo "check-metrics: $((total - missing))/$total metrics of $(basename "$list") exposed"
(( missing == 0 ))
