#!/usr/bin/env bash
# End-to-end check of the service surviving the loss of one node, on the whole topology of
# scripts/cluster.sh (pg_auto_failover primary + synchronous standby, three KRaft brokers, Redis, two
# instances of the production jar behind HAProxy):
#   1. cluster.sh up,
#   2. a bank workload through HAProxy (scripts/lib/bank_workload.py: clients retrying with their
#      Idempotency-Key) while it kills (kill -9) and starts again the PostgreSQL primary, one broker and
#      the instance that relays the outbox, measuring how long each recovery takes,
#   3. the checks: money conserved, no negative balance, every acknowledged transaction present, each
#      history replays to its balance, every event exactly once and in booking order (read_committed),
#      no fraud alert twice, requests without an answer few and all resolved by their retries.
# Prints PASS/FAIL per check and the figures; exits non-zero on any failure; always runs cluster.sh
# down (trap). Bounded: E2E_CLUSTER_TIMEOUT_S (900) for the whole run, each step has its own limit.
#
# Variables: JAVA_HOME; E2E_CLUSTER_DIR (a new /tmp/bank-e2e-cluster.*, removed at the end); E2E_CLUSTER_CLIENTS (6);
# E2E_CLUSTER_ACCOUNTS (30). Output: target/e2e-cluster/ (summary.json, workload.log, the cluster's logs).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT="$ROOT/target/e2e-cluster"
# the cluster's state under /tmp: the postgres user must reach it, which a checkout under /root forbids
if [ -n "${E2E_CLUSTER_DIR:-}" ]; then
  DIR=$E2E_CLUSTER_DIR
  OWN_DIR=false
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/bank-e2e-cluster.XXXXXX") || { echo "FAIL setup: mktemp"; exit 1; }
  chmod 755 "$DIR"
  OWN_DIR=true
fi
LIMIT=${E2E_CLUSTER_TIMEOUT_S:-900}
started=$SECONDS

log() { printf '%s [e2e-cluster] %s\n' "$(date +%H:%M:%S)" "$*"; }

finish() {
  local rc=$?
  trap - EXIT INT TERM
  log "cluster.sh down"
  timeout 180 scripts/cluster.sh down "$DIR" > "$OUT/down.log" 2>&1
  local down_rc=$?
  tail -3 "$OUT/down.log"
  if [ -d "$DIR/logs" ]; then
    rm -rf "$OUT/logs" && cp -r "$DIR/logs" "$OUT/logs" 2> /dev/null || true
  fi
  # a directory whose nodes did not all stop is left for a look (and a second cluster.sh down)
  if [ "$down_rc" -ne 0 ]; then
    echo "FAIL cluster.sh down (exit $down_rc): $DIR kept"
    [ "$rc" -ne 0 ] || rc=1
  elif [ "$OWN_DIR" = true ]; then
    rm -rf "$DIR"
  fi
  log "done in $((SECONDS - started)) s, exit $rc (output in ${OUT#"$ROOT"/}/)"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

mkdir -p "$OUT"
rm -f "$OUT/summary.json"
if [ "$OWN_DIR" = false ] && [ -d "$DIR" ]; then
  timeout 180 scripts/cluster.sh down "$DIR" > /dev/null 2>&1 || true
  rm -rf "$DIR"
fi
command -v python3 > /dev/null 2>&1 || { echo "FAIL setup: python3 not found"; exit 1; }

log "cluster.sh up $DIR"
if ! timeout --kill-after=10 420 scripts/cluster.sh up "$DIR"; then
  echo "FAIL setup: cluster.sh up (logs in $DIR/logs)"
  exit 1
fi
scripts/cluster.sh status "$DIR"
set -a
# shellcheck disable=SC1091
. "$DIR/cluster.env"
set +a
if [ "$DATABASE_URL_FORM" != uri ]; then
  log "note: the jar does not accept the multi-host postgresql:// DATABASE_URL yet: the instances use the JDBC form $(sed 's/password=[^&]*/password=.../' <<< "$DATABASE_URL")"
fi
TOKEN=$(JWT_SECRET_KEY=$JWT_SECRET_KEY AZURE_AD_CLIENT_ID=$AZURE_AD_CLIENT_ID timeout 120 "$JAVA" -jar target/banking-transaction-api.jar \
  token --sub cluster-e2e-admin --role admin --ttl 2h 2> "$OUT/token.log" | tail -1)
[ "${TOKEN%%.*}" != "$TOKEN" ] || { echo "FAIL setup: minting a token ($OUT/token.log)"; exit 1; }

remaining=$((LIMIT - (SECONDS - started)))
[ "$remaining" -gt 120 ] || { echo "FAIL setup: no time left for the workload ($remaining s)"; exit 1; }
log "workload with failures (at most $remaining s)"
PYTHONDONTWRITEBYTECODE=1 timeout --kill-after=10 "$remaining" python3 -u scripts/lib/bank_workload.py \
  --env "$DIR/cluster.env" --cluster "$ROOT/scripts/cluster.sh" --dir "$DIR" --token "$TOKEN" --out "$OUT" \
  --kafka-tool "$JAVA -cp $KAFKA_LIB/* $ROOT/scripts/lib/ClusterKafka.java" \
  --clients "${E2E_CLUSTER_CLIENTS:-6}" --accounts "${E2E_CLUSTER_ACCOUNTS:-30}" 2>&1 | tee "$OUT/workload.log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && echo "FAIL the workload and its checks did not finish within $remaining s"
if [ "$rc" -eq 0 ]; then
  log "PASS: every check"
else
  log "FAIL: see the FAIL lines above"
fi
exit "$rc"
