# Shared by scripts/test.sh, scripts/demo.sh and scripts/infra.sh.

# Installs exactly what package-lock.json says, once per lock change.
# The lock lists every platform's optional builds (@swc/core, sharp), as npm 11 requires; npm 10 accepts
# it too. The npm 10 fallback stays for machines whose npm 11 is missing or broken.
ensure_deps() {
  local sum
  sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f node_modules/.lock-sum ] && [ "$(cat node_modules/.lock-sum)" = "$sum" ]; then
    return 0
  fi
  if ! npm ci --no-audit --no-fund; then
    echo "[deps] npm $(npm --version) refused the lock file; installing it with npm 10"
    npx -y npm@10 ci --no-audit --no-fund
  fi
  echo "$sum" >node_modules/.lock-sum
}
