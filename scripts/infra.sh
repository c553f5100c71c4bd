#!/usr/bin/env bash
# Makes the system's dependencies available on a plain Debian machine, without Docker:
#   PostgreSQL and Redis  - used where they answer on their default ports, else installed and started;
#   NATS with JetStream   - the project's locked config (deploy/nats/nats-auth.conf: nats.conf + the bus's
#                           operator and accounts from .infra/nats-auth) on NATS_LOCAL_PORT (4223); a
#                           server on 4222 (the machine's, open) is left alone;
#   object storage        - when S3_ENDPOINT is unset, s3rver (from npm) on S3_LOCAL_PORT (9000).
# Creates the databases and the bucket, and writes the resulting URLs to .infra/env. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=$ROOT/.infra
mkdir -p "$STATE/logs"

PG_HOST=127.0.0.1 PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
NATS_LOCAL_PORT=${NATS_LOCAL_PORT:-4223}
NATS_MONITOR_PORT=${NATS_MONITOR_PORT:-8223}
S3_LOCAL_PORT=${S3_LOCAL_PORT:-9000}
S3_BUCKET=${S3_BUCKET:-mirror-photos}
DB_NAMES=${DB_NAMES:-"mirror test"}

log() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done; return 1; }

APT_UPDATED=
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
  [ -n "$APT_UPDATED" ] || { log "apt-get update"; apt-get update -qq >/dev/null; APT_UPDATED=1; }
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL -------------------------------------------------------------------------------
if ! port_open "$PG_PORT"; then
  if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; fi
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $ver"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  wait_port "$PG_PORT" || die "PostgreSQL did not start on $PG_PORT"
fi
PSQL="psql -h $PG_HOST -p $PG_PORT -U postgres -v ON_ERROR_STOP=1 -qtA"
if ! $PSQL -d postgres -c 'select 1' >/dev/null 2>&1; then
  # a fresh Debian cluster trusts only local sockets: allow loopback connections, as the services need
  conf=$(ls /etc/postgresql/*/main/pg_hba.conf | tail -1)
  grep -q '127.0.0.1/32 *trust' "$conf" || sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main reload
  sleep 1
  $PSQL -d postgres -c 'select 1' >/dev/null || die "cannot connect to PostgreSQL as postgres on $PG_HOST:$PG_PORT"
fi
for db in $DB_NAMES; do
  if [ "$($PSQL -d postgres -c "select 1 from pg_database where datname='$db'")" != 1 ]; then
    log "creating database $db"
    $PSQL -d postgres -c "create database \"$db\""
  fi
done

# --- Redis -----------------------------------------------------------------------------------
if ! port_open "$REDIS_PORT"; then
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis"
  mkdir -p "$STATE/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$STATE/redis" --logfile "$STATE/logs/redis.log" --pidfile "$STATE/redis.pid"
  wait_port "$REDIS_PORT" || die "Redis did not start on $REDIS_PORT"
fi

# --- NATS ------------------------------------------------------------------------------------
# The bus is locked (deploy/nats/nats-auth.conf): the operator, the accounts and every service's and the
# demo mirror's credentials come from the local authority in .infra/nats-auth, created once.
AUTH_DIR=$STATE/nats-auth
if [ ! -d node_modules/@nats-io/jwt ]; then
  log "installing the npm packages (the bus's identities need them)"
  # shellcheck source=scripts/lib.sh
  . "$ROOT/scripts/lib.sh"
  ensure_deps
fi
node -r ./scripts/register-ts.js libs/bus-auth/src/cli.ts init "$AUTH_DIR" --demo-mirror demo-mirror-1 \
  | sed 's/^/[infra] /'
ln -sfn "$AUTH_DIR/auth.conf" "$ROOT/deploy/nats/auth.conf"
AUTH_SUM=$(sha256sum "$AUTH_DIR/auth.conf" | cut -d' ' -f1)

nats_info() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; head -1 <&3" 2>/dev/null || true; }
nats_fits() { # JetStream on, payloads ≥ 16 MB, authentication required: the project's locked config
  local info; info=$(nats_info "$1")
  [[ $info == INFO* ]] || return 1
  [[ $info == *'"jetstream":true'* ]] || return 1
  [[ $info == *'"auth_required":true'* ]] || return 1
  local max; max=$(sed -n 's/.*"max_payload":\([0-9]*\).*/\1/p' <<<"$info")
  [ "${max:-0}" -ge 16777216 ]
}
# ours trusts this authority only if it was started with this auth.conf
ours_current() { nats_fits "$1" && [ "$(cat "$STATE/nats.auth-sum" 2>/dev/null)" = "$AUTH_SUM" ]; }
NATS_PORT=$NATS_LOCAL_PORT
if ! ours_current "$NATS_PORT"; then
  command -v nats-server >/dev/null || apt_install nats-server
  if [ -f "$STATE/nats.pid" ] && kill -0 "$(cat "$STATE/nats.pid")" 2>/dev/null; then
    log "restarting NATS on $NATS_PORT with the locked config"
    kill "$(cat "$STATE/nats.pid")"
    for _ in $(seq 1 50); do port_open "$NATS_PORT" || break; sleep 0.1; done
  fi
  port_open "$NATS_PORT" && die "port $NATS_PORT is taken by another process: set NATS_LOCAL_PORT"
  mkdir -p "$STATE/nats"
  nohup nats-server -c "$ROOT/deploy/nats/nats-auth.conf" -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" \
    -sd "$STATE/nats" -l "$STATE/logs/nats.log" -P "$STATE/nats.pid" >/dev/null 2>&1 &
  wait_port "$NATS_PORT" || die "nats-server did not start on $NATS_PORT (see $STATE/logs/nats.log)"
  for _ in $(seq 1 50); do nats_fits "$NATS_PORT" && break; sleep 0.1; done
  nats_fits "$NATS_PORT" || die "nats-server on $NATS_PORT is not running the project's locked config"
  echo "$AUTH_SUM" >"$STATE/nats.auth-sum"
fi

# --- Object storage --------------------------------------------------------------------------
if [ -z "${S3_ENDPOINT:-}" ]; then
  if ! port_open "$S3_LOCAL_PORT"; then
    if [ ! -d node_modules/s3rver ]; then
      log "installing the npm packages (s3rver comes with them)"
      # shellcheck source=scripts/lib.sh
      . "$ROOT/scripts/lib.sh"
      ensure_deps
    fi
    log "starting s3rver on $S3_LOCAL_PORT"
    S3_LOCAL_PORT=$S3_LOCAL_PORT S3_LOCAL_DIR="$STATE/s3" S3_LOCAL_BUCKETS="$S3_BUCKET" \
      nohup node scripts/s3-local.js >"$STATE/logs/s3.log" 2>&1 &
    echo $! >"$STATE/s3.pid"
    wait_port "$S3_LOCAL_PORT" || die "s3rver did not start (see $STATE/logs/s3.log)"
  fi
  S3_ENDPOINT=http://127.0.0.1:$S3_LOCAL_PORT
  S3_ACCESS_KEY=${S3_ACCESS_KEY:-S3RVER}
  S3_SECRET_KEY=${S3_SECRET_KEY:-S3RVER}
fi

cat >"$STATE/env" <<ENV
# written by scripts/infra.sh
export NATS_URL=nats://127.0.0.1:$NATS_PORT
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/mirror
export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/test
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export S3_ENDPOINT=$S3_ENDPOINT
export S3_ACCESS_KEY=${S3_ACCESS_KEY:-}
export S3_SECRET_KEY=${S3_SECRET_KEY:-}
export S3_BUCKET=$S3_BUCKET
# the bus's local authority (tests and the demo mint namespaced credentials from it) and the credentials
# of each service and of the demo mirror (NATS_CREDS of each process)
export NATS_AUTH_DIR=$AUTH_DIR
export NATS_CREDS_WECHAT_GATEWAY=$AUTH_DIR/creds/services/wechat-gateway.creds
export NATS_CREDS_QR_ISSUER=$AUTH_DIR/creds/services/qr-issuer.creds
export NATS_CREDS_PHOTO_STORE=$AUTH_DIR/creds/services/photo-store.creds
export NATS_CREDS_SESSION_VISION=$AUTH_DIR/creds/services/session-vision.creds
export NATS_CREDS_BINDING=$AUTH_DIR/creds/services/binding.creds
export NATS_CREDS_DEMO_MIRROR=$AUTH_DIR/creds/mirrors/demo-mirror-1.creds
ENV
log "ready: postgres :$PG_PORT, redis :$REDIS_PORT, nats :$NATS_PORT, s3 $S3_ENDPOINT (settings in .infra/env)"
