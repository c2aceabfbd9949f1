#!/usr/bin/env python3
"""Prints, one per line, every metric name the Grafana dashboards and the PrometheusRule query (sorted, unique).

Used by deploy/validate.sh to keep deploy/grafana/metrics-used.txt exact. Prometheus's own `up` is left out: it is
not exposed by the services. Usage: metrics-in-queries.py DASHBOARD.json... RULES.yaml...
"""
import json
import re
import sys

NAME = re.compile(r"\b((?:authbackup|http_server|kafka_consumer|jvm|process)_[a-zA-Z0-9_]+)\b")


def exprs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "expr" and isinstance(v, str):
                yield v
            else:
                yield from exprs(v)
    elif isinstance(node, list):
        for v in node:
            yield from exprs(v)


names = set()
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    if path.endswith(".json"):
        for e in exprs(json.loads(text)):
            names.update(NAME.findall(e))
    else:  # YAML rules: every `expr:` block, read as text (no YAML library needed)
        for block in re.findall(r"expr:\s*(\|[^\n]*\n(?:\s{12,}.*\n)+|.*(?:\n\s{12,}(?!\w+:).*)*)", text):
            names.update(NAME.findall(block))
print("\n".join(sorted(names)))
