#!/usr/bin/env bash
# The run command (README): installs what is missing, brings up the infrastructure, builds, and runs
# the whole loop — WeChat sandbox, five services, mirror-sim — narrating each step. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_deps
bash scripts/infra.sh
# shellcheck disable=SC1091
source .infra/env
npm run build --silent
exec node tools/demo/dist/main.js
