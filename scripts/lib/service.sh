# Sourced by scripts/e2e.sh and scripts/load-test.sh (check-monitoring.sh and e2e-kafka.sh use its
# svc_free_port, svc_stop_pid and svc_build_jar): starts the production jar the way production does
# (java -jar target/banking-transaction-api.jar, configured only through environment variables) against
# a fresh database on the local PostgreSQL, mints tokens with the jar's `token` subcommand, and cleans up.
#
# Inputs (all optional): PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), JAVA_HOME,
# SVC_READY_TIMEOUT_S (240). Outputs: SVC_BASE_URL, SVC_PID, SVC_DB, SVC_DIR, ADMIN_TOKEN,
# CUSTOMER_TOKEN, CUSTOMER_SUB. The caller traps EXIT and calls svc_cleanup.

SVC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SVC_JAR="$SVC_ROOT/target/banking-transaction-api.jar"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
SVC_PID=""
SVC_DB=""
SVC_DIR=""

if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
SVC_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

svc_log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

svc_build_jar() {
  if [ -f "$SVC_JAR" ]; then
    svc_log "jar present: ${SVC_JAR#"$SVC_ROOT"/}"
    return 0
  fi
  svc_log "building the jar: ./mvnw -B -q -DskipTests package"
  (cd "$SVC_ROOT" && timeout 600 ./mvnw -B -q -DskipTests package) && [ -f "$SVC_JAR" ]
}

# svc_free_port [N]: N (default 1) distinct free TCP ports on 127.0.0.1, one a line (all bound at once,
# so they differ from each other). They are taken below the kernel's ephemeral range, so that an
# outgoing connection made between this pick and the listener's bind (a broker's client, a JDBC pool)
# cannot hold the port by then; on a machine whose ephemeral range starts too low, the kernel picks.
svc_free_port() {
  python3 -c '
import random, socket, sys
n = int(sys.argv[1])
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    ephemeral_low = 0
candidates = list(range(10000, ephemeral_low)) if ephemeral_low > 12000 else []
random.shuffle(candidates)
socks = []
for port in candidates:
    if len(socks) == n:
        break
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        socks.append(s)
    except OSError:
        s.close()
while len(socks) < n:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
for s in socks:
    print(s.getsockname()[1])
for s in socks:
    s.close()
' "${1:-1}"
}

# svc_stop_pid PID [SECS]: TERM, wait up to SECS (default 20) for it to exit, then KILL; reaps it when it
# is our child. A no-op for an empty or finished PID. Always returns 0.
svc_stop_pid() {
  local pid="${1:-}" secs="${2:-20}" tries=0
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2> /dev/null; then
    kill "$pid" 2> /dev/null || true
    while kill -0 "$pid" 2> /dev/null && [ "$tries" -lt $((secs * 5)) ]; do
      sleep 0.2
      tries=$((tries + 1))
    done
    kill -9 "$pid" 2> /dev/null || true
  fi
  wait "$pid" 2> /dev/null || true
  return 0
}

svc_postgres_ready() {
  if pg_isready -q -t 5; then
    return 0
  fi
  # The machine's PostgreSQL may have stopped: start it the way the machine does, when we are root.
  if [ "$(id -u)" -eq 0 ] && command -v pg_ctlcluster > /dev/null 2>&1 && [ -d /etc/postgresql ]; then
    svc_log "PostgreSQL not answering on $PGHOST:$PGPORT; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    pg_isready -q -t 30
  else
    return 1
  fi
}

# svc_start PREFIX: fresh database PREFIX_<pid>_<random>, jar on a free port, waits for /health/ready.
svc_start() {
  local prefix="$1"
  svc_postgres_ready || { echo "FAIL setup: no PostgreSQL on $PGHOST:$PGPORT (user $PGUSER)"; return 1; }
  SVC_DB="${prefix}_$$_$RANDOM"
  createdb "$SVC_DB" || { SVC_DB=""; echo "FAIL setup: createdb"; return 1; }
  SVC_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bank-${prefix}.XXXXXX")"
  SVC_PORT="$(svc_free_port)"
  SVC_BASE_URL="http://127.0.0.1:$SVC_PORT"
  # A throwaway secret per run: tokens minted here die with the run.
  SVC_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  svc_log "starting the jar on $SVC_BASE_URL, database $SVC_DB, data dir $SVC_DIR"
  DATABASE_URL="postgresql://$PGUSER@$PGHOST:$PGPORT/$SVC_DB" \
    JWT_SECRET_KEY="$SVC_SECRET" PORT="$SVC_PORT" BANK_DATA_DIR="$SVC_DIR/data" \
    RATE_LIMIT_PER_SECOND=0 \
    "$SVC_JAVA" ${SVC_JAVA_OPTS:-} -jar "$SVC_JAR" > "$SVC_DIR/app.log" 2>&1 &
  SVC_PID=$!
  local deadline=$((SECONDS + ${SVC_READY_TIMEOUT_S:-240}))
  until curl -sf --max-time 5 -o /dev/null "$SVC_BASE_URL/health/ready"; do
    if ! kill -0 "$SVC_PID" 2> /dev/null; then
      echo "FAIL setup: the jar exited during start; last log lines:"
      tail -n 30 "$SVC_DIR/app.log"
      SVC_PID=""
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "FAIL setup: /health/ready not UP within ${SVC_READY_TIMEOUT_S:-240} s; last log lines:"
      tail -n 30 "$SVC_DIR/app.log"
      return 1
    fi
    sleep 1
  done
  svc_log "ready: $(grep -o 'Started BankingApplication in [0-9.]* seconds' "$SVC_DIR/app.log" | head -1)"
}

# svc_tokens: ADMIN_TOKEN (sub admin) and CUSTOMER_TOKEN (sub $CUSTOMER_SUB), minted by the jar itself.
svc_tokens() {
  export CUSTOMER_SUB="${CUSTOMER_SUB:-alice}"
  JWT_SECRET_KEY="$SVC_SECRET" "$SVC_JAVA" -jar "$SVC_JAR" token --sub admin --role admin --ttl 1h \
    > "$SVC_DIR/admin.jwt" 2> "$SVC_DIR/token-admin.log" &
  local admin_pid=$!
  JWT_SECRET_KEY="$SVC_SECRET" "$SVC_JAVA" -jar "$SVC_JAR" token --sub "$CUSTOMER_SUB" --role customer --ttl 1h \
    > "$SVC_DIR/customer.jwt" 2> "$SVC_DIR/token-customer.log"
  local customer_rc=$?
  wait "$admin_pid"
  local admin_rc=$?
  ADMIN_TOKEN="$(tail -n 1 "$SVC_DIR/admin.jwt")"
  CUSTOMER_TOKEN="$(tail -n 1 "$SVC_DIR/customer.jwt")"
  export ADMIN_TOKEN CUSTOMER_TOKEN
  if [ "$admin_rc" -ne 0 ] || [ "$customer_rc" -ne 0 ] || [ "${ADMIN_TOKEN%%.*}" = "$ADMIN_TOKEN" ] \
    || [ "${CUSTOMER_TOKEN%%.*}" = "$CUSTOMER_TOKEN" ]; then
    echo "FAIL setup: minting tokens with 'java -jar ... token'"
    cat "$SVC_DIR/token-admin.log" "$SVC_DIR/token-customer.log"
    return 1
  fi
}

# svc_cleanup: stop the jar we started (TERM, then KILL after 20 s), drop our database, remove our folder.
svc_cleanup() {
  svc_stop_pid "$SVC_PID" 20
  SVC_PID=""
  if [ -n "$SVC_DB" ]; then
    dropdb --if-exists "$SVC_DB" 2> /dev/null || dropdb --if-exists --force "$SVC_DB" 2> /dev/null \
      || echo "warning: could not drop database $SVC_DB"
    SVC_DB=""
  fi
  if [ -n "$SVC_DIR" ] && [ -d "$SVC_DIR" ]; then
    if [ -n "${SVC_KEEP_LOG:-}" ] && [ -f "$SVC_DIR/app.log" ]; then
      cp "$SVC_DIR/app.log" "$SVC_KEEP_LOG" 2> /dev/null || true
    fi
    rm -rf "$SVC_DIR"
  fi
  SVC_DIR=""
}
