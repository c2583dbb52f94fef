#!/usr/bin/env bash
# Throughput, latency, start-up and memory of the production jar, measured as a new user would:
# `java -Xmx512m -jar target/banking-transaction-api.jar` on its own database of the machine's
# PostgreSQL, `wrk` (a C load generator: a JVM one would take the cores it measures) posting random
# 0.01 transfers, and `pgbench -M prepared` (TPC-B-like, scale 10, its own database) at the same
# client count in the same run, so that the ratio of the two compares the service with a client
# talking to PostgreSQL directly.
#
# Steps: installs wrk, pgbench/psql and python3-locust with apt-get when missing; builds the jar
# (unless BENCH_SKIP_BUILD=1); start-up: START_RUNS cold starts of `java -jar` (fresh database each)
# timed to /health (live) and /health/ready (ready, after the warm-up), and as many of the extracted
# jar with a JDK AOT cache (what the Dockerfile does: `-Djarmode=tools extract`, one training run with
# -XX:AOTCacheOutput, then -XX:AOTCache); then the load run on a fresh start: 1,000 accounts (ACCOUNTS)
# and a hot pair opened with initial deposits, a WARMUP_S wrk warm-up, then each scenario for
# DURATION_S at CLIENTS connections: uniform keyed (a fresh Idempotency-Key per request), uniform
# unkeyed, hot pair keyed, uniform keyed again; pgbench before and after them (the ratio uses their
# mean); one client for the p50 of a lone transfer; RSS from /proc/PID/status after the load. Last, from another cold start,
# the Locust load test of the original description (tests/load_test.py, LOCUST_USERS 100, spawn rate
# 25, LOCUST_RUN_TIME_S 90) with its per-endpoint p50/p95/p99 and failures, for `java -jar` and (AOT=1)
# for the Dockerfile's form.
#
#   bash scripts/benchmark.sh                 # about 8 minutes
#   QUICK=1 bash scripts/benchmark.sh         # a few seconds per step: tests the script itself
#   PROFILE=1 bash scripts/benchmark.sh       # also a JFR recording per scenario (and of the read and
#                                             # account-opening endpoints) with its 10 hottest methods
# Variables: CLIENTS (32), DURATION_S (30), WARMUP_S (40), ACCOUNTS (1000), START_RUNS (3), HEAP_MAX
# (512m), LOCUST_USERS (100), LOCUST_SPAWN_RATE (25), LOCUST_RUN_TIME_S (90), LOCUST (1; 0 skips it),
# READS (PROFILE's value; 1 measures the read and account-opening endpoints at CLIENTS connections),
# AOT (1; 0 skips the AOT start-up), LOAD (1; 0 skips the wrk and pgbench run), VACUUM (1; 0 skips the VACUUM ANALYZE after the warm-up), PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres), BENCH_SKIP_BUILD,
# BENCH_JAR (measure another jar), BENCH_JAVA_OPTS (JVM options for every start of the service, e.g.
# -Dspring.aot.enabled=false to A/B Spring's AOT bean definitions; JDK_JAVA_OPTIONS is unset, as are
# the service's other variables), BENCH_OUT (output folder, target/bench).
# Output: the table on stdout and in target/bench/summary.txt; wrk, pgbench, Locust and app logs and
# JFR files (PROFILE=1) in target/bench/. Exits non-zero when a step failed or a request was non-2xx.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"

# BENCH_JAR: another jar to measure (e.g. a build of an earlier commit), instead of target/banking-transaction-api.jar
if [ -n "${BENCH_JAR:-}" ]; then
  SVC_JAR="$(cd "$(dirname "$BENCH_JAR")" && pwd)/$(basename "$BENCH_JAR")"
  BENCH_SKIP_BUILD=1
fi
OUT="${BENCH_OUT:-$ROOT/target/bench}"
rm -rf "$OUT"
mkdir -p "$OUT"

if [ "${QUICK:-0}" = 1 ]; then
  : "${DURATION_S:=3}" "${WARMUP_S:=2}" "${ACCOUNTS:=40}" "${START_RUNS:=1}" "${LOCUST_USERS:=10}"
  : "${LOCUST_SPAWN_RATE:=10}" "${LOCUST_RUN_TIME_S:=5}" "${PGBENCH_SCALE:=1}"
fi
clients="${CLIENTS:-32}"
duration="${DURATION_S:-30}"
# 40 s: after a 10 s warm-up the JIT still took 11.7 s of compile time during the first scenario
# (3.5 s after 40 s), which then ran at 0.69-1.10x the same scenario repeated last
# (docs/performance.md, "Spring AOT does not change the throughput")
warmup_s="${WARMUP_S:-40}"
accounts="${ACCOUNTS:-1000}"
start_runs="${START_RUNS:-3}"
heap_max="${HEAP_MAX:-512m}"
pgbench_scale="${PGBENCH_SCALE:-10}"
locust_users="${LOCUST_USERS:-100}"
locust_rate="${LOCUST_SPAWN_RATE:-25}"
locust_time="${LOCUST_RUN_TIME_S:-90}"
profile="${PROFILE:-0}"
reads_run="${READS:-$profile}"
read -r -a java_opts <<< "${BENCH_JAVA_OPTS:-}"
status=0
BENCH_PID=""
BENCH_DBS=()
BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/bank-bench.XXXXXX")"
JFR_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}jfr"
JCMD_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"

bench_cleanup() {
  svc_stop_pid "$BENCH_PID" 20
  BENCH_PID=""
  for db in "${BENCH_DBS[@]}"; do
    dropdb --if-exists --force "$db" 2> /dev/null || echo "warning: could not drop database $db"
  done
  BENCH_DBS=()
  rm -rf "$BENCH_TMP"
}
trap 'bench_cleanup' EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL bench: $*"
  exit 1
}

# ---------------------------------------------------------------- tools
need_apt=()
command -v wrk > /dev/null 2>&1 || need_apt+=(wrk)
command -v psql > /dev/null 2>&1 || need_apt+=(postgresql-client)
command -v pgbench > /dev/null 2>&1 || [ -x "$(ls /usr/lib/postgresql/*/bin/pgbench 2> /dev/null | sort -V | tail -1)" ] \
  || need_apt+=(postgresql-client postgresql-contrib)
if [ "${LOCUST:-1}" = 1 ]; then
  command -v locust > /dev/null 2>&1 || need_apt+=(python3-locust)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  svc_log "installing with apt-get: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { timeout 300 apt-get update -q && timeout 600 apt-get install -y -q -o DPkg::Lock::Timeout=300 "${need_apt[@]}"; } \
    > "$OUT/apt.log" 2>&1 || { tail -n 20 "$OUT/apt.log"; fail "apt-get install ${need_apt[*]}"; }
fi
PGBENCH="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2> /dev/null | sort -V | tail -1)"
for tool in wrk psql "$PGBENCH" python3 curl; do
  command -v "$tool" > /dev/null 2>&1 || fail "$tool is missing"
done
svc_postgres_ready || fail "no PostgreSQL on $PGHOST:$PGPORT (user $PGUSER)"

# ---------------------------------------------------------------- jar
if [ "${BENCH_SKIP_BUILD:-}" = 1 ] && [ -f "$SVC_JAR" ]; then
  svc_log "reusing ${SVC_JAR#"$ROOT"/}"
else
  svc_log "building: ./mvnw -B -q -DskipTests package"
  timeout 900 ./mvnw -B -q -DskipTests package > "$OUT/build.log" 2>&1 || { tail -n 40 "$OUT/build.log"; fail "build"; }
fi

# unset everything but PostgreSQL: no Kafka, Redis, Key Vault, Sentinel or Logstash
unset KAFKA_BOOTSTRAP_SERVERS REDIS_URL KEY_VAULT_URL SENTINEL_ENDPOINT LOGSTASH_HOST LOGSTASH_PORT AZURE_AD_TENANT_ID \
  AZURE_AD_CLIENT_ID AZURE_AD_ISSUER_URI JDK_JAVA_OPTIONS JAVA_TOOL_OPTIONS
SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# new_db PREFIX: a fresh database, named in $db (not a subshell: the cleanup must see it)
new_db() {
  db="bench_$$_${1}_$RANDOM"
  createdb "$db" || fail "createdb $db"
  BENCH_DBS+=("$db")
}

# start_app LABEL DB [java options and arguments...]: starts the service in the background and sets BENCH_PID,
# BENCH_URL and START_TIMES="live_s ready_s" (from the exec to /health/liveness 200, i.e. the server answers,
# and to /health/ready 200, i.e. after the warm-up; 50 ms polls).
start_app() {
  local label="$1" db="$2"
  shift 2
  local port
  port="$(svc_free_port)"
  BENCH_URL="http://127.0.0.1:$port"
  mkdir -p "$BENCH_TMP/data-$label"
  local t0 live="" ready=""
  t0="$(date +%s%N)"
  DATABASE_URL="postgresql://$PGUSER@$PGHOST:$PGPORT/$db" JWT_SECRET_KEY="$SECRET" PORT="$port" \
    BANK_DATA_DIR="$BENCH_TMP/data-$label" RATE_LIMIT_PER_SECOND=0 CONSUMER_ENABLED=false \
    "$SVC_JAVA" -Xmx"$heap_max" "${java_opts[@]}" "$@" > "$OUT/app-$label.log" 2>&1 &
  BENCH_PID=$!
  local deadline=$((SECONDS + 240))
  while [ -z "$ready" ]; do
    if ! kill -0 "$BENCH_PID" 2> /dev/null; then
      tail -n 20 "$OUT/app-$label.log"
      BENCH_PID=""
      fail "the service ($label) exited during start (target/bench/app-$label.log)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "the service ($label) was not ready within 240 s"
    if [ -z "$live" ] && curl -sf --max-time 1 -o /dev/null "$BENCH_URL/health/liveness"; then
      live="$(date +%s%N)"
    fi
    if curl -sf --max-time 1 -o /dev/null "$BENCH_URL/health/ready"; then
      ready="$(date +%s%N)"
      [ -n "$live" ] || live="$ready"
    else
      sleep 0.05
    fi
  done
  START_TIMES="$(awk -v t0="$t0" -v l="$live" -v r="$ready" 'BEGIN {printf "%.2f %.2f", (l - t0) / 1e9, (r - t0) / 1e9}')"
}

stop_app() {
  svc_stop_pid "$BENCH_PID" 20
  BENCH_PID=""
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $("$SVC_JAVA" -version 2>&1 | head -1), PostgreSQL $(psql -Atc 'SHOW server_version' postgres 2> /dev/null)"
[ "${#java_opts[@]}" -eq 0 ] || machine="$machine; service JVM options: ${java_opts[*]}"
svc_log "machine: $machine; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- start-up
: > "$OUT/startup.txt"
for i in $(seq 1 "$start_runs"); do
  new_db start
  start_app "start$i" "$db" -jar "$SVC_JAR"
  stop_app
  echo "jar $START_TIMES" >> "$OUT/startup.txt"
  svc_log "start-up $i, java -jar: live/ready $START_TIMES s"
done
# ---------------------------------------------------------------- tokens, accounts
# HS256 tokens as the jar's `token` subcommand makes them (checked by the first request below)
mint() {
  python3 - "$SECRET" "$1" "$2" << 'PY'
import base64, hashlib, hmac, json, sys, time, uuid
secret, sub, role = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
head = b64(json.dumps({"alg": "HS256"}).encode())
body = b64(json.dumps({"sub": sub, "jti": str(uuid.uuid4()), "iat": now, "exp": now + 7200, "roles": [role]}).encode())
sig = b64(hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest())
print(f"{head}.{body}.{sig}")
PY
}
export CUSTOMER_SUB=bench-customer
ADMIN_TOKEN="$(mint bench-admin admin)"
CUSTOMER_TOKEN="$(mint "$CUSTOMER_SUB" customer)"
export ADMIN_TOKEN CUSTOMER_TOKEN

# open_accounts N DEPOSIT FILE: N accounts with an initial deposit, 16 at a time; their ids in FILE
open_accounts() {
  python3 - "$BENCH_URL" "$ADMIN_TOKEN" "$1" "$2" "$3" << 'PY'
import json, sys, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor
base, token, n, deposit, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
def open_one(i):
    body = json.dumps({"owner_id": "bench-customer", "holder_name": f"Bench {i}", "currency": "EUR",
                       "initial_deposit": deposit}).encode()
    req = urllib.request.Request(base + "/accounts", data=body, method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["id"]
with ThreadPoolExecutor(16) as pool:
    ids = list(pool.map(open_one, range(n)))
with open(out, "w") as f:
    f.write("\n".join(str(i) for i in ids) + "\n")
PY
}

# ---------------------------------------------------------------- wrk
# Every script counts statuses per thread in response() and reports, in done(), the statuses, the
# non-2xx answers and socket errors, p50/p99 and requests/s; the scripts differ in init() and request().
cat > "$BENCH_TMP/common.lua" << 'LUA'
local threads = {}
local next_id = 1
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function load_ids()
  local ids = {}
  for line in io.lines(os.getenv("BENCH_IDS")) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  return ids
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do all[status] = (all[status] or 0) + n end
  end
  local bad = 0
  for status, n in pairs(all) do
    io.write(string.format("STATUS %d %d\n", status, n))
    if status < 200 or status > 299 then bad = bad + n end
  end
  local e = summary.errors
  io.write(string.format("NON2XX %d\n", bad + e.connect + e.read + e.write + e.timeout))
  io.write(string.format("P50_MS %.2f\nP99_MS %.2f\nRPS %.1f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("REQUESTS %d\n", summary.requests))
end
LUA

# random 0.01 transfers among the account ids of BENCH_IDS; BENCH_KEYED=1 adds a fresh Idempotency-Key
{ cat "$BENCH_TMP/common.lua"; cat << 'LUA'; } > "$BENCH_TMP/transfer.lua"
function init(args)
  ids = load_ids()
  keyed = os.getenv("BENCH_KEYED") == "1"
  run = os.getenv("BENCH_RUN") or "0"
  token = os.getenv("BENCH_TOKEN")
  statuses = {}
  counter = 0
  math.randomseed(os.time() * 1000 + tid * 7919)
end
function request()
  local a = ids[math.random(#ids)]
  local b = ids[math.random(#ids)]
  while b == a do b = ids[math.random(#ids)] end
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  if keyed then
    headers["Idempotency-Key"] = string.format("bench-%s-%d-%d-%d", run, tid, counter, math.random(1000000000))
  end
  local body = string.format('{"type":"transfer","account_id":%s,"target_account_id":%s,"amount":"0.01","currency":"EUR"}', a, b)
  return wrk.format("POST", "/transactions", headers, body)
end
LUA

# GETs of BENCH_PATH with "{id}" replaced by a random id of BENCH_IDS
{ cat "$BENCH_TMP/common.lua"; cat << 'LUA'; } > "$BENCH_TMP/get.lua"
function init(args)
  ids = load_ids()
  path = os.getenv("BENCH_PATH")
  token = os.getenv("BENCH_TOKEN")
  statuses = {}
  math.randomseed(os.time() * 1000 + tid * 7919)
end
function request()
  local p = string.gsub(path, "{id}", ids[math.random(#ids)])
  return wrk.format("GET", p, {["Authorization"] = "Bearer " .. token})
end
LUA

# POST /accounts with a fresh Idempotency-Key (account opening, no initial deposit)
{ cat "$BENCH_TMP/common.lua"; cat << 'LUA'; } > "$BENCH_TMP/open.lua"
function init(args)
  token = os.getenv("BENCH_TOKEN")
  statuses = {}
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format("POST", "/accounts", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = string.format("open-%d-%d-%d", tid, counter, math.random(1000000000))},
    '{"owner_id":"bench-open","holder_name":"Bench Open","email":"open@example.com","currency":"EUR"}')
end
LUA

# jfr_start NAME / jfr_stop NAME: a profile recording of the running service (PROFILE=1)
jfr_start() {
  [ "$profile" = 1 ] && [ "${1#train}" = "$1" ] && [ "$1" != warmup ] || return 0
  "$JCMD_BIN" "$BENCH_PID" JFR.start name="$1" settings=profile filename="$OUT/$1.jfr" > /dev/null 2>&1 \
    || echo "warning: JFR.start failed for $1"
}
jfr_stop() {
  [ "$profile" = 1 ] && [ "${1#train}" = "$1" ] && [ "$1" != warmup ] || return 0
  "$JCMD_BIN" "$BENCH_PID" JFR.stop name="$1" > /dev/null 2>&1 || { echo "warning: JFR.stop failed for $1"; return 0; }
  {
    echo "== $1: the 10 hottest methods (JFR execution samples)"
    "$JFR_BIN" view --width 160 hot-methods "$OUT/$1.jfr" 2> /dev/null | sed -n '4,15p'
    echo "== $1: CPU by component"
    "$JFR_BIN" print --json --stack-depth 64 --events jdk.ExecutionSample "$OUT/$1.jfr" > "$BENCH_TMP/samples.json" 2> /dev/null \
      && python3 "$BENCH_TMP/components.py" "$BENCH_TMP/samples.json"
    rm -f "$BENCH_TMP/samples.json"
  } > "$OUT/profile-$1.txt"
  cat "$OUT/profile-$1.txt" >> "$OUT/profile.txt"
  cat "$OUT/profile-$1.txt" >&2
}
cat > "$BENCH_TMP/components.py" << 'PY'
import json, sys, collections
# each execution sample is charged to the component of its innermost frame outside the JDK
CATS = [
  ("JWT decoding (Nimbus, Spring OAuth2 JWT)", ("com.nimbusds.", "org.springframework.security.oauth2.")),
  ("Spring Security filters", ("org.springframework.security.",)),
  ("JSON (Jackson)", ("tools.jackson.", "com.fasterxml.jackson.")),
  ("PostgreSQL driver and Hikari", ("org.postgresql.", "com.zaxxer.hikari.")),
  ("Spring JDBC and transactions", ("org.springframework.jdbc.", "org.springframework.transaction.")),
  ("logging (Logback, structured JSON)", ("ch.qos.logback.", "org.springframework.boot.logging.", "org.slf4j.")),
  ("Micrometer (metrics, observations)", ("io.micrometer.",)),
  ("crypto (AES-GCM, HMAC, SHA-256, random)", ("javax.crypto.", "com.sun.crypto.", "sun.security.")),
  ("Tomcat", ("org.apache.tomcat.", "org.apache.catalina.", "org.apache.coyote.", "jakarta.servlet.")),
  ("Spring MVC and web", ("org.springframework.web.", "org.springframework.http.")),
  ("Spring core, AOP, beans", ("org.springframework.",)),
  ("application code (org.bankapi)", ("org.bankapi.",)),
]
JDK = ("java.", "jdk.", "sun.", "javax.", "com.sun.")
counts = collections.Counter(); total = 0
data = json.load(open(sys.argv[1]))
for ev in data["recording"]["events"]:
    st = ev["values"].get("stackTrace")
    frames = st["frames"] if st else []
    total += 1
    cat = None
    for f in frames:
        name = f["method"]["type"]["name"].replace("/", ".")
        for c, prefixes in CATS:
            if name.startswith(prefixes):
                cat = c
                break
        if cat or not name.startswith(JDK):
            cat = cat or ("other: " + ".".join(name.split(".")[:2]))
            break
    counts[cat or "JDK only (I/O, virtual-thread scheduling, JIT)"] += 1
print(f"{total} execution samples, each charged to its innermost non-JDK frame's component:")
for cat, n in counts.most_common(12):
    print(f"  {100.0 * n / total:5.1f} %  {cat}")
PY

# cpu_snapshot: "service postgres busy total" CPU clock ticks so far: the service's process, every process named
# postgres (the service's pooled backends live through a scenario), and the machine's busy and total ticks
cpu_snapshot() {
  local svc pg
  svc="$(awk '{print $14 + $15}' "/proc/$BENCH_PID/stat" 2> /dev/null || echo 0)"
  pg="$(cat /proc/[0-9]*/stat 2> /dev/null | awk '$2 == "(postgres)" {t += $14 + $15} END {print t + 0}')"
  awk -v s="${svc:-0}" -v p="$pg" '/^cpu / {print s, p, $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8; exit}' /proc/stat
}

# cpu_per_request SNAPSHOT0 SNAPSHOT1 REQUESTS: "service_us postgres_us machine_us busy_pct", CPU microseconds per
# request between two cpu_snapshot lines and the machine's busy share ("-" where there were no requests)
cpu_per_request() {
  awk -v c0="$1" -v c1="$2" -v q="${3:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(c0, a, " "); split(c1, b, " ")
    for (i = 1; i <= 3; i++) us[i] = q > 0 ? sprintf("%.0f", (b[i] - a[i]) * 1e6 / hz / q) : "-"
    busy = b[4] > a[4] ? sprintf("%.0f", 100 * (b[3] - a[3]) / (b[4] - a[4])) : "-"
    printf "%s %s %s %s\n", us[1], us[2], us[3], busy}'
}

# run_wrk NAME SCRIPT CONNECTIONS SECONDS [ENV=VALUE...]: wrk with --latency, as the customer owning the accounts
# unless BENCH_TOKEN=... is given; prints "rps p50 p99 non2xx svc_cpu_us pg_cpu_us machine_cpu_us busy_pct": CPU
# microseconds per request of the service, of PostgreSQL and of the whole machine (wrk too), and the machine's busy share
run_wrk() {
  local name="$1" script="$2" conns="$3" secs="$4"
  shift 4
  local threads=$((conns < 2 ? 1 : 2)) cpu0 cpu1
  jfr_start "$name"
  cpu0="$(cpu_snapshot)"
  env BENCH_TOKEN="$CUSTOMER_TOKEN" "$@" timeout $((secs + 60)) \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$script" "$BENCH_URL" > "$OUT/wrk-$name.txt" 2>&1
  local rc=$?
  cpu1="$(cpu_snapshot)"
  jfr_stop "$name"
  [ "$rc" -eq 0 ] || { tail -n 20 "$OUT/wrk-$name.txt"; echo "warning: wrk $name exited $rc" >&2; }
  awk '/^RPS / {r = $2} /^P50_MS / {p50 = $2} /^P99_MS / {p99 = $2} /^NON2XX / {n = $2}
       END {printf "%s %s %s %s ", (r == "" ? 0 : r), (p50 == "" ? "-" : p50), (p99 == "" ? "-" : p99), (n == "" ? "-" : n)}' \
    "$OUT/wrk-$name.txt"
  cpu_per_request "$cpu0" "$cpu1" "$(awk '/^REQUESTS / {print $2}' "$OUT/wrk-$name.txt")"
}

# run_pgbench NAME: TPC-B-like, prepared statements, CLIENTS clients, DURATION_S s; prints tps
# (and writes cpu_per_request's line to pgbench-NAME.cpu; of it only the machine's figures count: pgbench's backends
# exit before the end, so PostgreSQL's own share is not told apart)
run_pgbench() {
  local cpu0 cpu1
  cpu0="$(cpu_snapshot)"
  timeout $((duration + 120)) "$PGBENCH" -M prepared -c "$clients" -j 2 -T "$duration" -n "$PGB_DB" > "$OUT/pgbench-$1.txt" 2>&1 \
    || { tail -n 5 "$OUT/pgbench-$1.txt" >&2; echo 0; return; }
  cpu1="$(cpu_snapshot)"
  cpu_per_request "$cpu0" "$cpu1" "$(awk -F': ' '/^number of transactions actually processed: / {print $2 + 0}' "$OUT/pgbench-$1.txt")" \
    > "$OUT/pgbench-$1.cpu"
  awk '/^tps = / {printf "%.0f\n", $3; exit}' "$OUT/pgbench-$1.txt"
}

# ---------------------------------------------------------------- start-up with an AOT cache
if [ "${AOT:-1}" = 1 ]; then
  aot_dir="$BENCH_TMP/aot"
  "$SVC_JAVA" -Djarmode=tools -jar "$SVC_JAR" extract --destination "$aot_dir" > "$OUT/extract.log" 2>&1 || fail "jar extract"
  aot_jar="$aot_dir/$(basename "$SVC_JAR")"
  new_db train
  # the training run: start (the warm-up runs), a few seconds of transfers and reads, stop; the JVM writes the cache at exit
  start_app train "$db" -XX:AOTCacheOutput="$aot_dir/app.aot" -Dspring.aot.enabled=true -jar "$aot_jar"
  open_accounts 20 1000.00 "$BENCH_TMP/train.ids" || fail "opening the training accounts"
  run_wrk train "$BENCH_TMP/transfer.lua" 4 3 BENCH_IDS="$BENCH_TMP/train.ids" BENCH_KEYED=1 BENCH_RUN=t > /dev/null
  run_wrk train-reads "$BENCH_TMP/get.lua" 4 2 BENCH_IDS="$BENCH_TMP/train.ids" BENCH_PATH='/accounts/{id}' > /dev/null
  svc_stop_pid "$BENCH_PID" 300
  BENCH_PID=""
  [ -f "$aot_dir/app.aot" ] || fail "the training run wrote no AOT cache (target/bench/app-train.log)"
  for i in $(seq 1 "$start_runs"); do
    new_db start
    start_app "aot$i" "$db" -XX:AOTCache="$aot_dir/app.aot" -Dspring.aot.enabled=true -jar "$aot_jar"
    stop_app
    echo "aot $START_TIMES" >> "$OUT/startup.txt"
    svc_log "start-up $i, extracted jar with AOT cache: live/ready $START_TIMES s"
  done
fi
jar_live="$(awk '$1 == "jar" {print $2}' "$OUT/startup.txt" | median)"
jar_ready="$(awk '$1 == "jar" {print $3}' "$OUT/startup.txt" | median)"
aot_live="$(awk '$1 == "aot" {print $2}' "$OUT/startup.txt" | median)"
aot_ready="$(awk '$1 == "aot" {print $3}' "$OUT/startup.txt" | median)"


# ---------------------------------------------------------------- summary: machine and start-up first
{
  echo "machine: $machine"
  echo "start-up, java -jar (median of $start_runs): live $jar_live s, ready $jar_ready s (after the warm-up)"
  if [ "${AOT:-1}" = 1 ]; then
    echo "start-up, extracted jar + AOT cache as in the Dockerfile (median of $start_runs): live $aot_live s, ready $aot_ready s"
  fi
} | tee "$OUT/summary.txt"

if [ "${LOAD:-1}" = 1 ]; then
# ---------------------------------------------------------------- load run
new_db pgbench
PGB_DB="$db"
svc_log "pgbench -i -s $pgbench_scale on $PGB_DB"
timeout 600 "$PGBENCH" -i -q -s "$pgbench_scale" "$PGB_DB" > "$OUT/pgbench-init.txt" 2>&1 || { tail -n 5 "$OUT/pgbench-init.txt"; fail "pgbench -i"; }

new_db load
start_app load "$db" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -jar "$SVC_JAR"
svc_log "load run: service on $BENCH_URL (pid $BENCH_PID), ready in ${START_TIMES#* } s"
status_code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN_TOKEN" "$BENCH_URL/accounts?limit=1")"
[ "$status_code" = 200 ] || fail "the minted admin token is refused ($status_code)"
svc_log "opening $accounts accounts (1000.00 each) and a hot pair (1000000.00 each)"
open_accounts "$accounts" 1000.00 "$BENCH_TMP/uniform.ids" || fail "opening the accounts"
open_accounts 2 1000000.00 "$BENCH_TMP/hot.ids" || fail "opening the hot pair"

if [ "$warmup_s" -gt 0 ]; then
  svc_log "warm-up: uniform keyed, $clients connections, ${warmup_s} s (not measured)"
  run_wrk warmup "$BENCH_TMP/transfer.lua" "$clients" "$warmup_s" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_KEYED=1 BENCH_RUN=w > /dev/null
fi

# pgbench -i vacuums and analyzes its tables; autovacuum would do the same for the service's, but the
# PostgreSQL of this kind of machine runs with autovacuum off: without statistics the planner's
# cached plans of the service degrade as the tables grow (VACUUM=0: 0.27x instead of 0.46x keyed,
# one client 35 ms instead of 2.6 ms, measured)
if [ "${VACUUM:-1}" = 1 ]; then
  autovacuum="$(psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$db" -Atc 'SHOW autovacuum' 2> /dev/null)"
  svc_log "VACUUM ANALYZE of the service's database (autovacuum is ${autovacuum:-unknown} here)"
  psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$db" -qc 'VACUUM ANALYZE' > /dev/null 2>&1 || svc_log "warning: VACUUM ANALYZE failed"
fi

svc_log "pgbench -M prepared, $clients clients, ${duration} s (before)"
tps_before="$(run_pgbench before)"
svc_log "uniform keyed"
uniform_keyed="$(run_wrk uniform-keyed "$BENCH_TMP/transfer.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_KEYED=1 BENCH_RUN=k)"
svc_log "uniform unkeyed"
uniform_unkeyed="$(run_wrk uniform-unkeyed "$BENCH_TMP/transfer.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_KEYED=0)"
svc_log "hot pair keyed"
hot_keyed="$(run_wrk hot-pair-keyed "$BENCH_TMP/transfer.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/hot.ids" BENCH_KEYED=1 BENCH_RUN=h)"
# the first scenario's figure has varied most between runs (0.31-0.56x pgbench in one sitting, with
# or without Spring AOT): the same scenario once more, last, shows that spread within the run
svc_log "uniform keyed, again"
uniform_keyed_again="$(run_wrk uniform-keyed-again "$BENCH_TMP/transfer.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_KEYED=1 BENCH_RUN=a)"
svc_log "pgbench -M prepared, $clients clients, ${duration} s (after)"
tps_after="$(run_pgbench after)"
svc_log "one client, uniform keyed"
one_s=$(( duration < 10 ? duration : 10 ))
one_client="$(run_wrk one-client "$BENCH_TMP/transfer.lua" 1 "$one_s" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_KEYED=1 BENCH_RUN=o)"
svc_log "one client, warm: POST /accounts, GET /accounts?limit=1"
one_open="$(run_wrk one-open "$BENCH_TMP/open.lua" 1 "$one_s" BENCH_TOKEN="$ADMIN_TOKEN")"
one_list="$(run_wrk one-list "$BENCH_TMP/get.lua" 1 "$one_s" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_PATH='/accounts?limit=1')"
rss_mib="$(awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$BENCH_PID/status")"

reads=()
if [ "$reads_run" = 1 ]; then
  svc_log "read and account-opening endpoints, $clients connections, ${duration} s each"
  reads+=("GET /accounts/{id}|$(run_wrk get-account "$BENCH_TMP/get.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_PATH='/accounts/{id}')")
  reads+=("GET /accounts?limit=50|$(run_wrk list-accounts "$BENCH_TMP/get.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_PATH='/accounts?limit=50')")
  reads+=("GET /transactions?account_id=|$(run_wrk list-transactions "$BENCH_TMP/get.lua" "$clients" "$duration" BENCH_IDS="$BENCH_TMP/uniform.ids" BENCH_PATH='/transactions?account_id={id}&limit=20')")
  reads+=("POST /accounts|$(run_wrk open-account "$BENCH_TMP/open.lua" "$clients" "$duration" BENCH_TOKEN="$ADMIN_TOKEN")")
  # the read queries' plans, on the data of this run
  {
    id="$(head -1 "$BENCH_TMP/uniform.ids")"
    for q in "SELECT * FROM accounts WHERE id = $id AND kind = 'customer'" \
             "SELECT * FROM accounts WHERE kind = 'customer' ORDER BY id LIMIT 51" \
             "SELECT * FROM (
                (SELECT * FROM transactions WHERE account_id = $id ORDER BY id DESC LIMIT 21)
                UNION ALL
                (SELECT * FROM transactions WHERE target_account_id = $id ORDER BY id DESC LIMIT 21)
              ) AS t ORDER BY id DESC LIMIT 21"; do
      echo "== EXPLAIN (ANALYZE, BUFFERS) $q"
      psql -X -q -d "$db" -c "EXPLAIN (ANALYZE, BUFFERS) $q"
    done
  } > "$OUT/explain.txt" 2>&1
fi
stop_app

# ---------------------------------------------------------------- table
tps_mean="$(awk -v a="$tps_before" -v b="$tps_after" 'BEGIN {printf "%.0f", (a + b) / 2}')"
read -r _ one_p50 _ _ _ <<< "$one_client"
read -r _ open_p50 _ open_bad _ <<< "$one_open"
read -r _ list_p50 _ list_bad _ <<< "$one_list"
for bad in $open_bad $list_bad; do [ "$bad" = 0 ] || status=1; done
transfers=("uniform keyed|$uniform_keyed" "uniform unkeyed|$uniform_unkeyed" "hot pair keyed|$hot_keyed"
  "uniform keyed, again|$uniform_keyed_again")
for row in "${transfers[@]}" "${reads[@]}"; do
  read -r _ _ _ bad _ <<< "${row#*|}"
  [ "$bad" = 0 ] || status=1
done
# (the table is written in a pipe, a subshell: the status is decided above)
{
  echo "clients: $clients, $duration s per scenario, $accounts accounts; pgbench TPC-B-like scale $pgbench_scale: $tps_before tps before, $tps_after after (mean $tps_mean)"
  printf '%-30s %12s %10s %9s %9s %8s %12s %8s %10s %7s\n' scenario transfers/s "÷ pgbench" "p50 ms" "p99 ms" non-2xx \
    "µs: service" "postgres" "machine" "busy %"
  for row in "${transfers[@]}"; do
    name="${row%%|*}"
    read -r rps p50 p99 bad svc_us pg_us all_us busy <<< "${row#*|}"
    printf '%-30s %12.0f %10s %9s %9s %8s %12s %8s %10s %7s\n' "$name" "$rps" "$(awk -v r="$rps" -v t="$tps_mean" 'BEGIN {if (t > 0) printf "%.2f", r / t; else print "-"}')" \
      "$p50" "$p99" "$bad" "$svc_us" "$pg_us" "$all_us" "$busy"
  done
  for row in "${reads[@]}"; do
    name="${row%%|*}"
    read -r rps p50 p99 bad svc_us pg_us all_us busy <<< "${row#*|}"
    printf '%-30s %12.0f %10s %9s %9s %8s %12s %8s %10s %7s   (requests/s)\n' "$name" "$rps" "" "$p50" "$p99" "$bad" "$svc_us" "$pg_us" "$all_us" "$busy"
  done
  echo "(µs: CPU microseconds per request of the service's process, of all postgres processes and of the whole machine, wrk included; busy %: the machine's busy share)"
  read -r _ _ pgb_us pgb_busy < "$OUT/pgbench-before.cpu" 2> /dev/null || pgb_us="-" pgb_busy="-"
  echo "pgbench (before): $pgb_us µs of the machine's CPU per transaction (PostgreSQL and pgbench), machine $pgb_busy % busy"
  echo "1 client, uniform keyed: p50 $one_p50 ms"
  echo "1 client, warm: POST /accounts p50 $open_p50 ms, GET /accounts?limit=1 p50 $list_p50 ms"
  echo "RSS after load: $rss_mib MiB (-Xmx$heap_max)"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$OUT/summary.txt"
fi

# ---------------------------------------------------------------- Locust, from a cold start
# locust_run LABEL TITLE JAVA-ARGS...: a fresh database, a cold start of the service, the Locust run, its table
locust_run() {
  local label="$1" title="$2"
  shift 2
  new_db "locust_$label"
  start_app "locust-$label" "$db" "$@"
  svc_log "Locust ($title): $locust_users users, spawn rate $locust_rate, ${locust_time} s, from a cold start (ready in ${START_TIMES#* } s)"
  timeout $((locust_time + 120)) locust -f tests/load_test.py --headless -u "$locust_users" -r "$locust_rate" -t "${locust_time}s" \
    --host "$BENCH_URL" --only-summary --stop-timeout 10 --csv "$OUT/locust-$label" > "$OUT/locust-$label.log" 2>&1
  local rc=$?
  stop_app
  python3 - "$OUT/locust-${label}_stats.csv" "$title" "${START_TIMES#* }" << 'PY' | tee -a "$OUT/summary.txt"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"Locust, {sys.argv[2]} (ready in {sys.argv[3]} s), {sys.argv[1].split('/')[-1]}:")
print(f"{'endpoint':44} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}")
for r in rows:
    label = r["Name"] if r["Name"] != "Aggregated" else "all requests"
    print(f"{label[:44]:44} {r['Request Count']:>9} {r['Failure Count']:>9} {r['50%']:>7} {r['95%']:>7} {r['99%']:>7} {float(r['Requests/s']):7.1f}")
PY
  grep -o 'Warm-up done in [0-9]* ms ([0-9]* rounds' "$OUT/app-locust-$label.log" | head -1 | sed 's/^/  /' | tee -a "$OUT/summary.txt"
  if [ "$rc" -ne 0 ]; then
    grep -A 12 '^Error report' "$OUT/locust-$label.log" | head -12
    echo "FAIL bench: Locust ($label) exited $rc (target/bench/locust-$label.log)"
    status=1
  fi
}
if [ "${LOCUST:-1}" = 1 ]; then
  locust_run jar "java -jar" -jar "$SVC_JAR"
  if [ "${AOT:-1}" = 1 ]; then
    locust_run aot "the Dockerfile's form: extracted jar, AOT cache, Spring AOT" -XX:AOTCache="$aot_dir/app.aot" -Dspring.aot.enabled=true -jar "$aot_jar"
  fi
fi
[ "$profile" = 1 ] && [ "${LOAD:-1}" = 1 ] && echo "JFR recordings and hot methods: target/bench/*.jfr, target/bench/profile.txt; query plans: target/bench/explain.txt"
[ "$status" -eq 0 ] && echo "PASS bench" || echo "FAIL bench: non-2xx answers or a failed step (see above)"
exit "$status"
