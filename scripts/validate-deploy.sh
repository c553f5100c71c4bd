#!/usr/bin/env bash
# Validates the deployment files without a Docker engine or a cluster (part of scripts/test.sh):
#   - docker-compose.yml (alone, with deploy/compose.mirrors.yml and with deploy/compose.seaweedfs.yml) with
#     `docker-compose config`, using deploy/compose.env.example, and every service of services/ present in it;
#   - no image (compose files, k8s manifests, Dockerfile) from a repository known to be gone
#     (tools/deploy-check/src/images.ts, GONE_REPOSITORIES);
#   - k8s/nats/nats.conf identical to the project's deploy/nats/nats.conf;
#   - `kubectl kustomize k8s` builds, when kubectl is installed.
# The schema and environment checks of every manifest are jest tests: tools/deploy-check/test.
# Installs Debian's docker-compose package when missing; where it cannot be had, says so and skips that part.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[deploy] %s\n' "$*"; }
warn() { printf '[deploy] WARNING: %s\n' "$*" >&2; }
die() { printf '[deploy] ERROR: %s\n' "$*" >&2; exit 1; }

# --- NATS: one config everywhere ----------------------------------------------------------------------
cmp -s deploy/nats/nats.conf k8s/nats/nats.conf ||
  die "k8s/nats/nats.conf differs from deploy/nats/nats.conf: run 'cp deploy/nats/nats.conf k8s/nats/nats.conf'"
log "k8s/nats/nats.conf is deploy/nats/nats.conf"
cmp -s deploy/nats/nats-auth.conf k8s/nats/nats-auth.conf ||
  die "k8s/nats/nats-auth.conf differs from deploy/nats/nats-auth.conf: run 'cp deploy/nats/nats-auth.conf k8s/nats/nats-auth.conf'"
log "k8s/nats/nats-auth.conf is deploy/nats/nats-auth.conf"

# --- images that a fresh host can still pull -------------------------------------------------------------
node -r ./scripts/register-ts.js tools/deploy-check/src/check-images.ts | sed 's/^/[deploy] /' ||
  die "an image above comes from a repository that is gone: use what 'instead' says"

# --- docker-compose ---------------------------------------------------------------------------------------
if ! command -v docker-compose >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "installing Debian's docker-compose package"
    if ! { apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; }; then
      warn "Debian's docker-compose package could not be installed"
    fi
  else
    warn "docker-compose is not installed and apt-get is not usable here (not root, or not Debian)"
  fi
fi
if command -v docker-compose >/dev/null; then
  # Only the example file's variables: the shell's own (e.g. .infra/env) must not mask a missing one.
  compose() { env -i PATH="$PATH" HOME="${HOME:-/root}" docker-compose --env-file deploy/compose.env.example "$@"; }
  compose -f docker-compose.yml config -q
  compose -f docker-compose.yml -f deploy/compose.mirrors.yml config -q
  compose -f docker-compose.yml -f deploy/compose.seaweedfs.yml config -q
  declared=$(compose -f docker-compose.yml config --services | sort)
  missing=
  for dir in services/*/; do
    name=$(basename "$dir")
    [ -f "$dir/package.json" ] || continue
    grep -qx "$name" <<<"$declared" || missing="$missing $name"
  done
  [ -z "$missing" ] || die "services missing from docker-compose.yml:$missing"
  log "docker-compose.yml is valid ($(docker-compose version --short 2>/dev/null || echo '?')) and runs every service of services/"
else
  warn "SKIPPED: docker-compose.yml was not validated with 'docker-compose config' (no docker-compose)."
  warn "The jest tests in tools/deploy-check still check its services, dependencies and environment."
fi

# --- kustomize ---------------------------------------------------------------------------------------------
if command -v kubectl >/dev/null; then
  objects=$(kubectl kustomize k8s | grep -c '^kind:') || die "kubectl kustomize k8s failed"
  log "k8s/ builds with kustomize ($objects objects)"
else
  log "kubectl not installed: kustomize build skipped (the jest tests validate every manifest file)"
fi
