#!/usr/bin/env bash
# Checks the monitoring files against the real service:
#   1. promtool check config monitoring/prometheus.yml
#   2. starts the production jar (or uses SERVICE_URL given as $1, with JWT_SECRET_KEY set for its tokens),
#      sends money traffic, starts a real Prometheus (Debian package) scraping it every second,
#   3. runs every PromQL expression of monitoring/grafana_dashboard.json against that Prometheus and
#      fails when one returns no data. Expressions over metrics that only other features export
#      (outbox_*, fraud_alerts_*, rate_limit*) are reported "skipped" only when the metric name is
#      absent from /metrics entirely.
# Usage: scripts/check-monitoring.sh [SERVICE_URL]      Bounded in time; cleans up what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

OPTIONAL_METRICS_RE='^(outbox_|fraud_alerts_|rate_limit)'
DEADLINE=$((SECONDS + ${CHECK_MONITORING_TIMEOUT_S:-420}))
# service.sh exports JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 when unset and only if that directory exists
# shellcheck source=scripts/lib/service.sh
. scripts/lib/service.sh
JAVA="$SVC_JAVA"
[ -x "$JAVA" ] || JAVA=java
WORK=$(mktemp -d /tmp/check-monitoring.XXXXXX)
SERVICE_PID="" PROM_PID="" TRAFFIC_PID="" DB=""

log() { printf '[check-monitoring] %s\n' "$*"; }
fail() { log "FAIL: $*"; exit 1; }
cleanup() {
  for pid in "$TRAFFIC_PID" "$PROM_PID" "$SERVICE_PID"; do
    svc_stop_pid "$pid" 10
  done
  if [ -n "$DB" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$DB" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
remaining() { echo $((DEADLINE - SECONDS)); }
wait_for() { # url, what [, pid whose death fails at once [, its log]]
  while ! curl -fsS --max-time 5 -o /dev/null "$1" 2>/dev/null; do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
      tail -20 "${4:-/dev/null}"
      fail "$2 exited while we waited for $1"
    fi
    [ "$(remaining)" -gt 0 ] || fail "timed out waiting for $2 at $1"
    sleep 1
  done
}

# 1. static check of the scrape configuration
command -v promtool >/dev/null || fail "promtool missing: apt-get install -y prometheus"
promtool check config monitoring/prometheus.yml || fail "promtool rejected monitoring/prometheus.yml"
python3 -c 'import json,sys; json.load(open("monitoring/grafana_dashboard.json"))' || fail "grafana_dashboard.json is not JSON"
python3 -c '
import json
for n, line in enumerate(open("monitoring/kibana_dashboard.ndjson"), 1):
    if line.strip(): json.loads(line)
' || fail "kibana_dashboard.ndjson is not one JSON object per line"

# 2. the service
if [ $# -ge 1 ]; then
  BASE="${1%/}"
  [ -n "${JWT_SECRET_KEY:-}" ] || fail "with a SERVICE_URL, set JWT_SECRET_KEY to the service's secret (for tokens)"
  JAR=target/banking-transaction-api.jar
else
  JAR=target/banking-transaction-api.jar
  svc_build_jar || fail "build failed"
  DB="bank_monitoring_check_$$"
  createdb -h 127.0.0.1 -U postgres "$DB" || fail "cannot create database $DB on 127.0.0.1:5432"
  export JWT_SECRET_KEY
  JWT_SECRET_KEY="monitoring-check-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  PORT=$(svc_free_port)
  BASE="http://127.0.0.1:$PORT"
  log "starting the service on $BASE"
  env -u REDIS_URL -u KAFKA_BOOTSTRAP_SERVERS -u LOGSTASH_HOST -u LOGSTASH_PORT \
    DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" PORT="$PORT" BANK_DATA_DIR="$WORK/data" \
    JWT_SECRET_KEY="$JWT_SECRET_KEY" RATE_LIMIT_PER_SECOND=0 \
    "$JAVA" -jar "$JAR" serve >"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  while ! curl -fsS --max-time 5 -o /dev/null "$BASE/health/ready" 2>/dev/null; do
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -20 "$WORK/service.log"; fail "the service exited"; }
    [ "$(remaining)" -gt 0 ] || fail "the service did not get ready"
    sleep 1
  done
fi
wait_for "$BASE/metrics" "the service's /metrics"
[ -f "$JAR" ] || fail "$JAR is needed to sign a token"
TOKEN=$(JWT_SECRET_KEY="$JWT_SECRET_KEY" "$JAVA" -jar "$JAR" token --sub monitoring-check-admin --role admin) \
  || fail "cannot mint a token"

api() { # method path [json]
  curl -sS --max-time 30 -o "$WORK/last.json" -w '%{http_code}' -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${3:+--data "$3"}
}
open_account() {
  api POST /accounts "{\"owner_id\":\"monitoring-check\",\"holder_name\":\"Check\",\"currency\":\"$1\",\"initial_deposit\":\"$2\"}" >/dev/null
  python3 -c 'import json; print(json.load(open("'"$WORK"'/last.json"))["id"])'
}
A=$(open_account EUR 1000.00) || fail "cannot open an account"
B=$(open_account EUR 10.00) || fail "cannot open an account"
C=$(open_account USD 500.00) || fail "cannot open an account"
traffic() {
  set +e
  while true; do
    api POST /transactions "{\"type\":\"deposit\",\"account_id\":$A,\"amount\":\"12.50\"}" >/dev/null
    api POST /transactions "{\"type\":\"withdrawal\",\"account_id\":$A,\"amount\":\"2.25\"}" >/dev/null
    api POST /transactions "{\"type\":\"transfer\",\"account_id\":$A,\"target_account_id\":$B,\"amount\":\"5\"}" >/dev/null
    api POST /transactions "{\"type\":\"deposit\",\"account_id\":$C,\"amount\":\"3\"}" >/dev/null
    api POST /transactions "{\"type\":\"withdrawal\",\"account_id\":$C,\"amount\":\"999999\"}" >/dev/null   # refused
    api GET "/accounts/$A" >/dev/null; api GET "/accounts/$B" >/dev/null; api GET /accounts >/dev/null
    curl -sS --max-time 30 -o /dev/null "$BASE/accounts"                                                            # 401
    sleep 0.3
  done
}
traffic &
TRAFFIC_PID=$!

# 3. a real Prometheus scraping the service every second
command -v prometheus >/dev/null || fail "prometheus missing: apt-get install -y prometheus"
PROM_PORT=$(svc_free_port)
HOSTPORT=${BASE#http://}; HOSTPORT=${HOSTPORT#https://}; HOSTPORT=${HOSTPORT%%/*}
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: banking-api
    metrics_path: /metrics
    scheme: ${BASE%%://*}
    static_configs:
      - targets: ["$HOSTPORT"]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
PROM="http://127.0.0.1:$PROM_PORT"
wait_for "$PROM/-/ready" "Prometheus" "$PROM_PID" "$WORK/prometheus.log"
# rate()/increase() over [1m] ($__rate_interval) need at least 2 samples per series: wait at least
# CHECK_MONITORING_SCRAPE_S seconds (scrape_interval 1s) and until Prometheus holds at least
# CHECK_MONITORING_SCRAPES successful scrapes of the service within the last minute.
SCRAPE_MIN_S=${CHECK_MONITORING_SCRAPE_S:-10}
SCRAPES_NEEDED=${CHECK_MONITORING_SCRAPES:-5}
log "Prometheus on $PROM scraping $BASE; waiting for $SCRAPES_NEEDED scrapes (at least $SCRAPE_MIN_S s)"
scrape_start=$SECONDS
scrapes=0
while :; do
  kill -0 "$PROM_PID" 2>/dev/null || { tail -20 "$WORK/prometheus.log"; fail "Prometheus exited"; }
  scrapes=$(curl -fsS --max-time 5 -G "$PROM/api/v1/query" \
    --data-urlencode 'query=sum_over_time(up{job="banking-api"}[1m])' 2>/dev/null \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)' \
      2>/dev/null) || scrapes=0
  if [ "$scrapes" -ge "$SCRAPES_NEEDED" ] && [ $((SECONDS - scrape_start)) -ge "$SCRAPE_MIN_S" ]; then
    break
  fi
  [ "$(remaining)" -gt 0 ] || fail "timed out waiting for $SCRAPES_NEEDED scrapes of $BASE (have $scrapes)"
  sleep 1
done
log "$scrapes successful scrapes after $((SECONDS - scrape_start)) s"
curl -fsS --max-time 30 "$BASE/metrics" >"$WORK/metrics.txt" || fail "cannot read $BASE/metrics"

# 4. every expression of the Grafana dashboard
if ! python3 - "$PROM" "$WORK/metrics.txt" "$OPTIONAL_METRICS_RE" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request
prom, metrics_file, optional_re = sys.argv[1], sys.argv[2], sys.argv[3]
exported = set()
for line in open(metrics_file):
    if line and not line.startswith("#"):
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)", line)
        if m:
            exported.add(m.group(1))

def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))

dashboard = json.load(open("monitoring/grafana_dashboard.json"))
exprs = []
for p in panels(dashboard.get("panels", [])):
    for t in p.get("targets", []):
        if t.get("expr"):
            exprs.append((p.get("title", "?"), t["expr"]))
for v in dashboard.get("templating", {}).get("list", []):
    if v.get("type") == "query" and isinstance(v.get("query"), (str, dict)):
        q = v["query"] if isinstance(v["query"], str) else v["query"].get("query", "")
        if q:
            exprs.append(("variable " + v.get("name", "?"), q))

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan"}

def concrete(expr):
    e = expr.replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
    e = e.replace("$__interval", "15s").replace("${__interval}", "15s").replace("$__range", "5m")
    return re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", ".*", e)

def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", "", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    e = re.sub(r"\[[^\]]*\]", "", e)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e):
        name, rest = m.group(0), e[m.end():].lstrip()
        if rest.startswith("(") or name.lower() in KEYWORDS or re.fullmatch(r"\d.*", name):
            continue
        names.add(name)
    return names

ok = skipped = failed = 0
for title, expr in exprs:
    q = concrete(expr)
    missing = sorted(n for n in metric_names(q) if n not in exported)
    if missing:
        if all(re.match(optional_re, n) for n in missing):
            print(f"SKIP  {title}: {q}\n      skipped: metric not exported by this build ({', '.join(missing)})")
            skipped += 1
        else:
            print(f"FAIL  {title}: {q}\n      metric(s) absent from /metrics: {', '.join(missing)}")
            failed += 1
        continue
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": f"{time.time():.3f}"})
    try:
        answer = json.load(urllib.request.urlopen(url, timeout=10))
    except Exception as e:  # a 400 carries the PromQL error in its body
        body = getattr(e, "read", lambda: b"")().decode(errors="replace")
        print(f"FAIL  {title}: {q}\n      query error: {e} {body}")
        failed += 1
        continue
    result = answer.get("data", {}).get("result", [])
    if answer.get("status") != "success" or not result:
        print(f"FAIL  {title}: {q}\n      no data ({answer.get('status')})")
        failed += 1
    else:
        sample = result[0].get("value", ["", "?"])[1] if isinstance(result, list) else result
        print(f"OK    {title}: {q}  ->  {len(result)} series, e.g. {sample}")
        ok += 1
print(f"\nGrafana expressions: {ok} returned data, {skipped} skipped, {failed} failed (of {len(exprs)})")
sys.exit(1 if failed or ok == 0 else 0)
PY
then
  fail "some dashboard expressions returned no data"
fi
log "OK: prometheus.yml valid; every exported dashboard expression returned data"
