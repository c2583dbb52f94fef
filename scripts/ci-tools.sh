#!/usr/bin/env bash
# Installs the tools that the end-to-end and deployment-file checks need, if missing:
#   docker-compose (v1, to validate docker-compose.yml), yamllint, promtool (package prometheus),
#   locust (python3-locust), jq, chromium (Debian's, at /usr/bin/chromium), haproxy, pg_autoctl and the
#   pg_auto_failover extension (pg-auto-failover-cli, postgresql-15-auto-failover) and redis-server for
#   scripts/cluster.sh and scripts/e2e-cluster.sh, newman (npm -g) and
#   playwright-core into tests/browser/node_modules (npm ci from the committed package-lock.json;
#   playwright-core downloads no browser: the browser check drives Debian's chromium).
# For CI on a clean Debian 12 machine, as root, with apt and npm reachable (nodejs and npm come from
# Debian's archive when npm is missing).
# Idempotent: each tool is installed only when `command -v` does not find it; safe to rerun.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
  echo "ci-tools: must run as root (apt-get, npm -g)" >&2
  exit 1
fi

# command -> Debian package
declare -A APT_TOOLS=(
  [docker-compose]=docker-compose
  [yamllint]=yamllint
  [promtool]=prometheus
  [locust]=python3-locust
  [jq]=jq
  [chromium]=chromium
  [haproxy]=haproxy
  [pg_autoctl]=pg-auto-failover-cli
  [redis-server]=redis-server
)

missing=()
for cmd in docker-compose yamllint promtool locust jq chromium haproxy pg_autoctl redis-server; do
  if command -v "$cmd" > /dev/null 2>&1; then
    echo "ci-tools: $cmd already present ($(command -v "$cmd"))"
  else
    missing+=("${APT_TOOLS[$cmd]}")
  fi
done
# the pg_auto_failover extension of Debian's PostgreSQL 15 (scripts/cluster.sh's data nodes and monitor)
PGAF_EXTENSION=/usr/lib/postgresql/15/lib/pgautofailover.so
if [ -f "$PGAF_EXTENSION" ]; then
  echo "ci-tools: pg_auto_failover extension already present ($PGAF_EXTENSION)"
else
  missing+=(postgresql-15-auto-failover)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "ci-tools: installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -q
  # The prometheus package may try to start its own service (port 9090); that is harmless here:
  # the checks start their own Prometheus process. policy-rc.d keeps the daemon from starting.
  own_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=true
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
  if [ "$own_policy" = true ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

# npm (for newman and playwright-core): Debian's nodejs and npm packages when missing
ensure_npm() {
  if ! command -v npm > /dev/null 2>&1; then
    echo "ci-tools: npm not found; installing Debian's nodejs and npm"
    apt-get -o DPkg::Lock::Timeout=600 update -q
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends nodejs npm
  fi
}

if command -v newman > /dev/null 2>&1; then
  echo "ci-tools: newman already present ($(command -v newman))"
else
  ensure_npm
  echo "ci-tools: installing newman"
  npm install -g --no-audit --no-fund newman
fi

browser_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/browser"
if [ -f "$browser_dir/node_modules/playwright-core/package.json" ]; then
  echo "ci-tools: playwright-core already present ($browser_dir/node_modules)"
else
  ensure_npm
  echo "ci-tools: installing playwright-core into $browser_dir/node_modules"
  (cd "$browser_dir" && npm ci --no-audit --no-fund)
fi

for cmd in docker-compose yamllint promtool locust jq chromium haproxy pg_autoctl redis-server newman; do
  command -v "$cmd" > /dev/null 2>&1 || { echo "ci-tools: $cmd still missing" >&2; exit 1; }
done
[ -f "$PGAF_EXTENSION" ] || { echo "ci-tools: $PGAF_EXTENSION still missing" >&2; exit 1; }
[ -f "$browser_dir/node_modules/playwright-core/package.json" ] \
  || { echo "ci-tools: playwright-core still missing" >&2; exit 1; }
echo "ci-tools: all tools present"
