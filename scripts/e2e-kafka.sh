#!/usr/bin/env bash
# End-to-end check of the event pipeline with the production jar, a standalone Kafka broker
# (scripts/kafka-standalone.sh) and a real PostgreSQL:
#   1. `serve` without KAFKA_BOOTSTRAP_SERVERS: starts, is ready, money moves, events wait in the outbox;
#   2. `serve` with Kafka (CONSUMER_ENABLED=false) next to a separate `consume` process: the backlog
#      drains, and the fraud consumer stores an alert for the big deposit, once.
# Bounded in time, cleans up the processes it started, exits non-zero on any failure.
#
# Environment: JAVA_HOME; E2E_PG (default postgresql://postgres@127.0.0.1:5432, trust auth);
# E2E_DB (default bank_e2e_kafka_<pid>, created, dropped at exit); E2E_KAFKA_PORT, E2E_KAFKA_CONTROLLER_PORT,
# E2E_PORT, E2E_CONSUME_PORT (default: free ports). Logs in target/e2e-kafka/run-<pid>, removed on success.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
JAVA=$SVC_JAVA
PG=${E2E_PG:-postgresql://postgres@127.0.0.1:5432}
DB=${E2E_DB:-bank_e2e_kafka_$$}
{ read -r FREE_1; read -r FREE_2; read -r FREE_3; read -r FREE_4; } < <(svc_free_port 4) \
    || { echo "[e2e-kafka] FAILED: cannot find free ports"; exit 1; }
PORT=${E2E_PORT:-$FREE_1}
CONSUME_PORT=${E2E_CONSUME_PORT:-$FREE_2}
KAFKA_PORT=${E2E_KAFKA_PORT:-$FREE_3}
KAFKA_CONTROLLER_PORT=${E2E_KAFKA_CONTROLLER_PORT:-$FREE_4}
JAR=$SVC_JAR
WORK=$ROOT/target/e2e-kafka/run-$$
DEADLINE=$((SECONDS + ${E2E_TIMEOUT_S:-900}))
PIDS=()
STARTED_KAFKA=0
CREATED_DB=0
OK=0

log() { echo "[e2e-kafka] $*"; }
fail() {
    log "FAILED: $*"
    for f in "$WORK"/*.log; do
        [[ -f $f ]] && { echo "--- last lines of $f"; tail -30 "$f"; }
    done
    exit 1
}
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        svc_stop_pid "$pid" 30
    done
    PIDS=()
    if [[ $STARTED_KAFKA == 1 ]]; then
        KAFKA_HOME_DIR=$WORK/kafka scripts/kafka-standalone.sh stop >/dev/null || true
    fi
    if [[ $CREATED_DB == 1 ]]; then
        dropdb --if-exists --maintenance-db="$PG/postgres" "$DB" 2>/dev/null \
            || dropdb --if-exists --force --maintenance-db="$PG/postgres" "$DB" 2>/dev/null \
            || log "warning: could not drop database $DB"
    fi
    if [[ $OK == 1 ]]; then
        rm -rf "$WORK"
    else
        log "logs kept in $WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

remaining() { echo $((DEADLINE - SECONDS)); }

# wait_for DESCRIPTION COMMAND...: retries until the command succeeds or the deadline passes
wait_for() {
    local what=$1
    shift
    until "$@" >/dev/null 2>&1; do
        (($(remaining) > 0)) || fail "timed out waiting for $what"
        sleep 1
    done
}

psql_db() { psql "$PG/$DB" -v ON_ERROR_STOP=1 -Atc "$1"; }

rm -rf "$WORK"
mkdir -p "$WORK"
svc_build_jar || fail "cannot build $JAR"
psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "SELECT 1" >/dev/null || fail "PostgreSQL at $PG is not reachable"
psql "$PG/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $DB" || fail "cannot create database $DB"
CREATED_DB=1

export DATABASE_URL=$PG/$DB
export JWT_SECRET_KEY=e2e-kafka-secret-that-is-long-enough-0123456789
export BANK_DATA_DIR=$WORK/data
export RATE_LIMIT_PER_SECOND=0
export PORT
unset KAFKA_BOOTSTRAP_SERVERS
TOKEN=$("$JAVA" -jar "$JAR" token --sub e2e-admin --role admin --ttl 1h) || fail "cannot mint a token"
BASE=http://127.0.0.1:$PORT

api() { # METHOD PATH [BODY]
    curl -sS -f --max-time 30 -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}
}

start_app() { # NAME SUBCOMMAND [VAR=VALUE...]
    local name=$1 command=$2
    shift 2
    env "$@" "$JAVA" -Xmx384m -jar "$JAR" "$command" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
}

stop_last_app() {
    svc_stop_pid "${PIDS[-1]}" 30
    unset 'PIDS[-1]'
}

# 1. no broker
log "starting serve without KAFKA_BOOTSTRAP_SERVERS"
start_app serve-no-kafka serve
wait_for "readiness without Kafka" curl -sf --max-time 5 "$BASE/health/ready"
[[ $(grep -c "KAFKA_BOOTSTRAP_SERVERS is not set" "$WORK/serve-no-kafka.log") == 1 ]] || fail "expected one warning about the missing broker"
ACCOUNT=$(api POST /accounts '{"owner_id":"e2e","holder_name":"E2E Holder","initial_deposit":"100"}' | sed -E 's/.*"id":([0-9]+).*/\1/') \
    || fail "could not open an account"
[[ $ACCOUNT =~ ^[0-9]+$ ]] || fail "could not open an account"
BIG=$(api POST /transactions "{\"type\":\"deposit\",\"account_id\":$ACCOUNT,\"amount\":\"15000\"}" | sed -E 's/^\{"id":([0-9]+).*/\1/') \
    || fail "could not deposit"
[[ $BIG =~ ^[0-9]+$ ]] || fail "could not deposit"
[[ $(psql_db "SELECT count(*) FROM outbox_events WHERE published_at IS NULL") == 2 ]] || fail "expected 2 pending outbox events"
log "account $ACCOUNT, big deposit $BIG: 2 events wait in the outbox"
stop_last_app

# 2. a broker appears: the backlog drains, the separate consumer flags the big deposit
if ! KAFKA_HOME_DIR=$WORK/kafka scripts/kafka-standalone.sh status >/dev/null 2>&1; then
    log "starting a standalone Kafka broker on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
    STARTED_KAFKA=1 # before start: stop is a no-op when no broker runs, and a timeout must not leak one
    KAFKA_HOME_DIR=$WORK/kafka timeout "$(remaining)" scripts/kafka-standalone.sh start "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" \
        || fail "Kafka did not start"
fi
log "starting serve (consumer off) and consume against Kafka"
start_app serve-kafka serve KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT CONSUMER_ENABLED=false
start_app consume consume KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT PORT=$CONSUME_PORT
backlog_drained() { [[ $(psql_db "SELECT count(*) FROM outbox_events WHERE published_at IS NULL") == 0 ]]; }
wait_for "the outbox backlog to drain" backlog_drained
log "backlog drained"
wait_for "the fraud alert of transaction $BIG" \
    bash -c "curl -sf --max-time 30 '$BASE/fraud-alerts' -H 'Authorization: Bearer $TOKEN' | grep -q '\"transaction_id\":$BIG,\"rule\":\"amount_threshold\"'"
grep -q "Consumed transaction event" "$WORK/consume.log" || fail "the consumer did not log its events"
grep -q "Suspicious transaction" "$WORK/consume.log" || fail "the consumer did not log the suspicious transaction"
CONSUME=http://127.0.0.1:$CONSUME_PORT
wait_for "the consumer's readiness" curl -sf --max-time 5 "$CONSUME/health/ready"
CONSUME_METRICS=$(curl -sf --max-time 30 "$CONSUME/metrics") || fail "the consumer serves no /metrics"
grep -q '^fraud_alerts_total{.*rule="amount_threshold".*} 1' <<<"$CONSUME_METRICS" \
    || fail "the consumer's /metrics lacks its fraud alert"
[[ $(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$CONSUME/accounts") == 404 ]] \
    || fail "consume must serve only /health and /metrics, not the money API"
[[ $(psql_db "SELECT count(*) FROM fraud_alerts WHERE transaction_id = $BIG") == 1 ]] || fail "expected exactly one alert"
[[ $(psql_db "SELECT count(*) FROM fraud_alerts") == 1 ]] || fail "the small deposit must not be flagged"
SERVE_METRICS=$(curl -sf --max-time 30 "$BASE/metrics") || fail "serve has no /metrics"
grep -q '^outbox_events_published_total' <<<"$SERVE_METRICS" || fail "outbox metrics missing"
OK=1
log "OK: events relayed after the broker appeared, one alert for transaction $BIG"
