#!/usr/bin/env bash
# The run command (README): installs what is missing, brings up the infrastructure, builds, and runs
# the whole loop — WeChat sandbox, five services, mirror-sim — narrating each step. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.lock-sum ] || [ "$(cat node_modules/.lock-sum)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" >node_modules/.lock-sum
fi
bash scripts/infra.sh
# shellcheck disable=SC1091
source .infra/env
npm run build --silent
exec node tools/demo/dist/main.js
