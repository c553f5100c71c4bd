#!/usr/bin/env bash
# The test command (README): installs what it needs, then lint, typecheck/build, unit, integration,
# deployment validation and end-to-end tests. Ends with one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
step() { printf '\n=== %s\n' "$*"; }

step "dependencies (npm ci when package-lock.json changed)"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps

step "infrastructure"
bash scripts/infra.sh
# shellcheck disable=SC1091
source .infra/env

step "lint"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check . | tail -20; exit 1; }

step "build and typecheck"
npm run build
npx tsc -p tsconfig.json

if [ -x scripts/validate-deploy.sh ] || [ -f scripts/validate-deploy.sh ]; then
  step "deployment files"
  bash scripts/validate-deploy.sh
fi

status=0
run_jest() { # project, extra args...
  local project=$1; shift
  step "$project tests"
  npx jest --selectProjects "$project" --json --outputFile="artifacts/jest-$project.json" "$@" || status=1
}
run_jest unit
# the NATS log of this run: each service runs its integration tests under its own role's credential, and the
# bus logs every subject it refuses; a service refused anything means its row in bus-roles.ts and its code differ
nats_log=.infra/logs/nats.log
nats_log_from=$( [ -f "$nats_log" ] && wc -l <"$nats_log" || echo 0)
run_jest integration --maxWorkers=2
step "bus permissions used by the services"
if [ -f "$nats_log" ]; then
  refused=$(tail -n +"$((nats_log_from + 1))" "$nats_log" |
    grep -E 'Violation' | grep -E ':(wechat-gateway|qr-issuer|photo-store|session-vision|binding)" - ' || true)
  if [ -n "$refused" ]; then
    echo "a service was refused subjects its role lacks (libs/contracts/src/bus-roles.ts):"
    echo "$refused"
    status=1
  else
    echo "no service was refused a subject during the integration tests"
  fi
fi
if ls test/*.e2e-spec.ts >/dev/null 2>&1 || ls test/**/*.e2e-spec.ts >/dev/null 2>&1; then
  bash scripts/install-chromium.sh
  # --forceExit: child processes of the system under test can outlive their pipes by a moment
  run_jest e2e --runInBand --forceExit
fi

step "alert rules (promtool test rules)"
bash scripts/test-alert-rules.sh || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, pending = 0;
  for (const p of ["unit", "integration", "e2e", "alert-rules"]) {
    const f = p === "alert-rules" ? "artifacts/promtool-rules.json" : `artifacts/jest-${p}.json`;
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); pending += r.numPendingTests;
    console.log(`${p}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numRuntimeErrorTestSuites} suites failed to run`);
  }
  console.log(`\n${passed} passed, ${failed} failed` + (pending ? `, ${pending} skipped` : ""));
'
exit $status
