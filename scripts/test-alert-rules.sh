#!/usr/bin/env bash
# The Prometheus alert rules (deploy/monitoring/prometheus/alerts.yml): `promtool check rules` and `check
# config`, then `promtool test rules` on alerts.test.yml. Writes artifacts/promtool-rules.json with the number of rule
# test cases (each `eval_time` of an alert_rule_test or promql_expr_test) passed and failed, in the shape
# of jest's --json summary, so that scripts/test.sh counts them in its final line. Exit status 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
dir=deploy/monitoring/prometheus
out=artifacts/promtool-rules.json
report() { # passed failed
  printf '{"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":0,"numRuntimeErrorTestSuites":0}\n' "$1" "$2" >"$out"
  echo "alert rule tests: $1 passed, $2 failed"
}

total=$(grep -cE '^\s*- eval_time:' "$dir/alerts.test.yml" || true)
if ! promtool=$(bash scripts/install-promtool.sh); then
  report 0 "$total"
  exit 1
fi
# compose's Prometheus configuration too (prometheus-k8s.yml: Debian's promtool has no Kubernetes discovery)
if ! "$promtool" check rules "$dir/alerts.yml" || ! "$promtool" check config "$dir/prometheus.yml"; then
  report 0 "$total"
  exit 1
fi
set +e
output=$(cd "$dir" && "$promtool" test rules alerts.test.yml 2>&1)
rc=$?
set -e
echo "$output"
# promtool prints each failed case as "alertname: <name>, time: <t>," or "expr: <q>, time: <t>,"
failed=$(grep -cE '^\s*(alertname|expr): .*, time: ' <<<"$output" || true)
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=$total; fi # the file itself was refused
report "$((total - failed))" "$failed"
[ "$rc" -eq 0 ]
