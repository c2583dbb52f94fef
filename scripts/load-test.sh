#!/usr/bin/env bash
# Load tests of the production jar: starts it as scripts/e2e.sh does (fresh database on the local
# PostgreSQL, RATE_LIMIT_PER_SECOND=0, tokens from the jar), runs the Gatling simulation
# (src/test/java/org/bankapi/load/BankingSimulation.java: ramp to USERS users over RAMP_S s, hold HOLD_S s)
# and then Locust (tests/load_test.py, LOCUST_USERS users for LOCUST_RUN_TIME), prints throughput and
# p50/p95/p99 of each, and cleans up. Exits non-zero when either run had a failed request.
# Takes about 3 to 4 minutes on 2 cores; not part of CI (scripts/e2e.sh runs the Locust part there).
#
#   bash scripts/load-test.sh                 # Gatling, then Locust
#   LOAD_TEST_TOOLS=gatling bash scripts/load-test.sh
# Variables: USERS (100), RAMP_S (10), HOLD_S (30), LOCUST_USERS (100), LOCUST_SPAWN_RATE (20),
# LOCUST_RUN_TIME (30s), WARMUP_S (15; an untimed Locust warm-up), LOAD_TEST_TOOLS ("gatling locust").
# Reports: target/gatling/bankingsimulation-*/index.html, target/load/locust_stats.csv.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"

OUT="$ROOT/target/load"
mkdir -p "$OUT"
SVC_KEEP_LOG="$OUT/app.log"
tools="${LOAD_TEST_TOOLS:-gatling locust}"
status=0

trap 'svc_cleanup' EXIT
trap 'exit 130' INT TERM

svc_build_jar || { echo "FAIL load: building the jar"; exit 1; }
# Compile the simulation before the service takes the CPU.
if [[ " $tools " == *" gatling "* ]]; then
  svc_log "compiling the simulation: ./mvnw -q test-compile"
  ./mvnw -B -q test-compile > "$OUT/compile.log" 2>&1 || { tail -n 40 "$OUT/compile.log"; echo "FAIL load: test-compile"; exit 1; }
fi
svc_start load || exit 1
svc_tokens || exit 1
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"

warmup="${WARMUP_S:-15}"
if [ "$warmup" -gt 0 ] && command -v locust > /dev/null 2>&1; then
  svc_log "warm-up: Locust 20 users for ${warmup} s (not measured)"
  timeout 120 locust -f tests/load_test.py --headless -u 20 -r 20 -t "${warmup}s" --host "$SVC_BASE_URL" \
    --only-summary --exit-code-on-error 0 > "$OUT/warmup.log" 2>&1 || true
fi

if [[ " $tools " == *" gatling "* ]]; then
  svc_log "Gatling: BASE_URL=$SVC_BASE_URL ./mvnw gatling:test (USERS=${USERS:-100} RAMP_S=${RAMP_S:-10} HOLD_S=${HOLD_S:-30})"
  BASE_URL="$SVC_BASE_URL" timeout 600 ./mvnw -B gatling:test > "$OUT/gatling.log" 2>&1
  gatling_rc=$?
  sed -n '/---- Global Information ----/,/^=====/p' "$OUT/gatling.log"
  grep -iE 'Global: |please open the following file' "$OUT/gatling.log"
  if [ "$gatling_rc" -eq 0 ]; then
    echo "PASS gatling: no failed request"
  else
    tail -n 30 "$OUT/gatling.log"
    echo "FAIL gatling: exit $gatling_rc (target/load/gatling.log)"
    status=1
  fi
fi

if [[ " $tools " == *" locust "* ]]; then
  users="${LOCUST_USERS:-100}"
  svc_log "Locust: $users users, spawn rate ${LOCUST_SPAWN_RATE:-20}, ${LOCUST_RUN_TIME:-30s}"
  timeout 300 locust -f tests/load_test.py --headless -u "$users" -r "${LOCUST_SPAWN_RATE:-20}" \
    -t "${LOCUST_RUN_TIME:-30s}" --host "$SVC_BASE_URL" --only-summary --stop-timeout 10 --csv "$OUT/locust" \
    > "$OUT/locust.log" 2>&1
  locust_rc=$?
  awk -F, '$2 == "Aggregated" {printf "locust: %d requests, %d failures, %.1f req/s, p50 %s ms, p95 %s ms, p99 %s ms\n", $3, $4, $10, $12, $17, $19}' \
    "$OUT/locust_stats.csv"
  if [ "$locust_rc" -eq 0 ]; then
    echo "PASS locust: no failure"
  else
    grep -A 12 '^Error report' "$OUT/locust.log" | head -12
    echo "FAIL locust: exit $locust_rc (target/load/locust.log)"
    status=1
  fi
fi
echo "load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
exit "$status"
