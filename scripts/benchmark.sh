#!/usr/bin/env bash
# Capacity benchmark of the production jar: builds it (./mvnw -q -DskipTests package), starts
# `java -Xmx512m -jar target/banking-transaction-api.jar` on a fresh database of the local PostgreSQL
# (RATE_LIMIT_PER_SECOND=0, CONSUMER_ENABLED=false, no Kafka, no Redis), warms it up, then runs the
# closed-loop Gatling scenario (SCENARIO=capacity of BankingSimulation: CONCURRENCY users, no think time,
# DURATION_S s, transfers between ACCOUNTS shared accounts, some deposits and reads) once per
# concurrency. While each run lasts it scrapes /metrics every second for the peak of
# jvm_memory_used_bytes{area="heap"} (summed over pools) and /proc/loadavg for the peak 1-minute load;
# at the end of each run it reads the service's VmRSS from /proc/PID/status. Prints one summary line
# per run and exits non-zero when a run had a failed request (422 insufficient_funds is not a failure).
# Bounded (every step under timeout) and self-cleaning (trap EXIT: stops the jar and the scraper,
# drops the database, removes the temporary folder). About 1.5 minutes plus 1 minute per concurrency.
#
#   bash scripts/benchmark.sh                       # concurrency 32, 30 s
#   CONCURRENCIES="32 8" bash scripts/benchmark.sh  # two runs on the same (warm) service
# Variables: CONCURRENCIES (32), DURATION_S (30), ACCOUNTS (8), HEAP_MAX (512m), WARMUP_S (15;
# 0 skips the warm-up), BENCH_SKIP_BUILD (unset; 1 reuses target/banking-transaction-api.jar).
# Output: target/bench/summary.txt, gatling-c<N>.log, samples-c<N>.txt (heap bytes, load), metrics-c<N>.txt, app.log;
# reports in target/gatling/bankingsimulation-*/index.html.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"

OUT="$ROOT/target/bench"
mkdir -p "$OUT"
SVC_KEEP_LOG="$OUT/app.log"
concurrencies="${CONCURRENCIES:-32}"
duration="${DURATION_S:-30}"
accounts="${ACCOUNTS:-8}"
heap_max="${HEAP_MAX:-512m}"
SCRAPER_PID=""
status=0

bench_cleanup() {
  if [ -n "$SCRAPER_PID" ]; then
    kill "$SCRAPER_PID" 2> /dev/null
    wait "$SCRAPER_PID" 2> /dev/null
    SCRAPER_PID=""
  fi
  svc_cleanup
}
trap 'bench_cleanup' EXIT
trap 'exit 130' INT TERM

# The service under test talks to PostgreSQL only.
unset KAFKA_BOOTSTRAP_SERVERS REDIS_URL KEY_VAULT_URL SENTINEL_ENDPOINT LOGSTASH_HOST
export CONSUMER_ENABLED=false
export SVC_JAVA_OPTS="-Xmx$heap_max"

if [ "${BENCH_SKIP_BUILD:-}" = 1 ] && [ -f "$SVC_JAR" ]; then
  svc_log "reusing ${SVC_JAR#"$ROOT"/}"
else
  svc_log "building: ./mvnw -q -DskipTests package (also compiles the simulation)"
  timeout 900 ./mvnw -B -q -DskipTests package > "$OUT/build.log" 2>&1 \
    || { tail -n 40 "$OUT/build.log"; echo "FAIL bench: build"; exit 1; }
fi
svc_start bench || exit 1
svc_tokens || exit 1
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $("$SVC_JAVA" -version 2>&1 | head -1)"
echo "machine: $machine; service: java -Xmx$heap_max -jar target/banking-transaction-api.jar (pid $SVC_PID)"

# run_gatling LOG CONCURRENCY DURATION: the capacity scenario against the running service.
run_gatling() {
  SCENARIO=capacity CONCURRENCY="$2" DURATION_S="$3" ACCOUNTS="$accounts" BASE_URL="$SVC_BASE_URL" \
    timeout $(($3 + 300)) ./mvnw -B -o gatling:test > "$1" 2>&1
}

# scrape FILE: one line a second, "heap_bytes load1", until killed.
scrape() {
  while :; do
    heap="$(curl -s --max-time 2 "$SVC_BASE_URL/metrics" \
      | awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ {s += $NF} END {printf "%.0f", s}')"
    echo "${heap:-0} $(cut -d' ' -f1 /proc/loadavg)" >> "$1"
    sleep 1
  done
}

# cpu_delta BEFORE AFTER: "busy N %, steal N %" of all cores between two `head -1 /proc/stat` lines.
cpu_delta() {
  printf '%s\n%s\n' "$1" "$2" | awk '
    {t = 0; for (i = 2; i <= NF; i++) t += $i; idle = $5 + $6; tot[NR] = t; id[NR] = idle; st[NR] = $9}
    END {d = tot[2] - tot[1]; if (d <= 0) d = 1
         printf "CPU busy %.0f %%, steal %.1f %%", 100 * (d - (id[2] - id[1])) / d, 100 * (st[2] - st[1]) / d}'
}

count_422() {
  curl -s --max-time 5 "$SVC_BASE_URL/metrics" \
    | awk '/^http_server_requests_seconds_count\{/ && /status="422"/ {s += $NF} END {printf "%.0f", s}'
}

warmup="${WARMUP_S:-15}"
if [ "$warmup" -gt 0 ]; then
  svc_log "warm-up: capacity scenario, 8 users, ${warmup} s (not measured)"
  run_gatling "$OUT/warmup.log" 8 "$warmup" || svc_log "warm-up had failures (see target/bench/warmup.log)"
fi

: > "$OUT/summary.txt"
for c in $concurrencies; do
  samples="$OUT/samples-c$c.txt"
  : > "$samples"
  before_422="$(count_422)"
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
  svc_log "capacity run: CONCURRENCY=$c DURATION_S=$duration ACCOUNTS=$accounts (load average $load_start)"
  cpu_start="$(head -1 /proc/stat)"
  scrape "$samples" &
  SCRAPER_PID=$!
  run_gatling "$OUT/gatling-c$c.log" "$c" "$duration"
  rc=$?
  kill "$SCRAPER_PID" 2> /dev/null
  wait "$SCRAPER_PID" 2> /dev/null
  SCRAPER_PID=""
  cpu="$(cpu_delta "$cpu_start" "$(head -1 /proc/stat)")"
  rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$SVC_PID/status")"
  load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
  curl -s --max-time 5 "$SVC_BASE_URL/metrics" > "$OUT/metrics-c$c.txt"
  refused=$(($(count_422) - before_422))
  sed -n '/---- Global Information ----/,/^=====/p' "$OUT/gatling-c$c.log"
  grep -iE 'please open the following file' "$OUT/gatling-c$c.log"
  peak_heap="$(awk '$1 > m {m = $1} END {printf "%.0f", m / 1048576}' "$samples")"
  peak_load="$(awk '$2 > m {m = $2} END {print m}' "$samples")"
  # Gatling's console table: "> label | Total | OK | KO".
  figures="$(awk -F'|' '
      function v(i) { x = $i; gsub(/[ ,]/, "", x); return x }
      /^> request count/ {n = v(2); ko = v(4)}
      /^> response time 50th percentile/ {p50 = v(2)}
      /^> response time 95th percentile/ {p95 = v(2)}
      /^> response time 99th percentile/ {p99 = v(2)}
      /^> mean throughput/ {t = v(2)}
      END {printf "%s requests, %s failed, %s req/s, p50 %s ms, p95 %s ms, p99 %s ms", n, (ko == "-" ? 0 : ko), t, p50, p95, p99}' \
      "$OUT/gatling-c$c.log")"
  line="concurrency $c, ${duration} s: $figures; 422 insufficient_funds: $refused; RSS at end $((rss_kb / 1024)) MiB; peak heap used ${peak_heap} MiB (-Xmx$heap_max); load average start $load_start, end $load_end, peak 1-min $peak_load; $cpu"
  echo "$line" | tee -a "$OUT/summary.txt"
  if [ "$rc" -eq 0 ]; then
    echo "PASS capacity c=$c: no failed request"
  else
    tail -n 30 "$OUT/gatling-c$c.log"
    echo "FAIL capacity c=$c: exit $rc (target/bench/gatling-c$c.log)"
    status=1
  fi
done
echo "machine: $machine" >> "$OUT/summary.txt"
exit "$status"
