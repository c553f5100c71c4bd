#!/usr/bin/env bash
# Prints the path of a promtool (Prometheus's rule checker and rule unit-tester), installing it when missing.
# Only the promtool binary is taken out of Debian's `prometheus` package (.infra/bin/promtool): installing
# the package itself would also enable and start a Prometheus server on the machine running the tests.
# Falls back to `apt-get install prometheus` when the package cannot be downloaded alone.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[promtool] %s\n' "$*" >&2; }

if command -v promtool >/dev/null; then command -v promtool; exit 0; fi
local_bin=.infra/bin/promtool
if [ -x "$local_bin" ]; then echo "$PWD/$local_bin"; exit 0; fi

command -v apt-get >/dev/null || { log "promtool is missing and apt-get is not available"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() { (cd "$work" && apt-get download -qq prometheus >/dev/null 2>&1); }
if ! fetch && [ "$(id -u)" = 0 ]; then
  log "refreshing Debian's package lists"
  apt-get update -qq >/dev/null && fetch || true
fi
deb=$(ls "$work"/prometheus_*.deb 2>/dev/null | head -1 || true)
if [ -n "$deb" ]; then
  dpkg-deb -x "$deb" "$work/root"
  mkdir -p "$(dirname "$local_bin")"
  install -m 0755 "$work/root/usr/bin/promtool" "$local_bin"
  log "promtool $("$local_bin" --version 2>&1 | head -1 | awk '{print $3}') from $(basename "$deb") in $local_bin"
  echo "$PWD/$local_bin"
  exit 0
fi
[ "$(id -u)" = 0 ] || { log "promtool is missing and the prometheus package cannot be downloaded"; exit 1; }
log "installing Debian's prometheus package"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool
