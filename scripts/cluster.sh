#!/usr/bin/env bash
# The whole production topology on one machine, every process on 127.0.0.1 on free ports, all state
# under DIR: a pg_auto_failover group (monitor + two data nodes, synchronous replication), three KRaft
# Kafka brokers (combined broker+controller, topics with replication factor 3 and min.insync.replicas 2),
# Redis, two instances of the production jar and HAProxy in front of them.
#
#   scripts/cluster.sh up DIR            # start everything; returns when all are healthy; writes DIR/cluster.env
#   scripts/cluster.sh status DIR        # one JSON object: each node up/down, which data node is primary
#   scripts/cluster.sh kill DIR NODE     # kill -9 (the node's whole process group)
#   scripts/cluster.sh start DIR NODE    # start it again (pg-primary: the node killed as primary, back as a standby)
#   scripts/cluster.sh down DIR          # stop everything it started, by pid
#
# NODE: pg-primary (whichever data node is primary now), pg-standby, pg-a, pg-b, pg-monitor, kafka-1,
# kafka-2, kafka-3, app-1, app-2, redis, haproxy.
# Missing packages (haproxy, postgresql-15-auto-failover, pg-auto-failover-cli, redis-server) are
# installed with apt-get (as root). PostgreSQL runs as the user postgres (pg_autoctl refuses root).
# The machine's own PostgreSQL (5432) and Redis (6379) are never touched.
#
# Variables: JAVA_HOME; CLUSTER_UP_TIMEOUT_S (300, the whole `up`); CLUSTER_WARMUP_MS_MAX (3000); CLUSTER_AOT (1: instances start from an AOT cache trained at `up`; 0: from the fat jar); CLUSTER_APP_JAVA_OPTS
# (-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dspring.aot.enabled=true: five JVMs share
# the machine, C1 alone starts an instance faster, and the build's pre-computed bean definitions spare
# the configuration-class parsing); CLUSTER_RATE_LIMIT (0: off; one admin token drives the workload);
# CLUSTER_DB_URL_FORM (auto | uri | jdbc, see db_url below). Logs: DIR/logs/NODE.log.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# svc_free_port, svc_build_jar, SVC_JAVA, SVC_JAR
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
unset PGHOST PGPORT PGUSER # service.sh's defaults name the machine's PostgreSQL; ours are explicit

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_OS_USER=postgres
DB_NAME=banking
DB_USER=bank
KAFKA_TOPIC_NAME=${KAFKA_TOPIC:-transactions}
JAVA=$SVC_JAVA
JAR=$SVC_JAR
KAFKA_TOOL=$ROOT/scripts/lib/ClusterKafka.java
ALL_NODES=(pg-monitor pg-a pg-b kafka-1 kafka-2 kafka-3 redis app-1 app-2 haproxy)

log() { printf '%s [cluster] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

usage() {
  echo "usage: $0 up DIR | status DIR | kill DIR NODE | start DIR NODE | down DIR" >&2
  echo "NODE: pg-primary pg-standby pg-a pg-b pg-monitor kafka-1 kafka-2 kafka-3 app-1 app-2 redis haproxy" >&2
  exit 64
}

# ---------------------------------------------------------------- helpers

# wait_until SECS DESCRIPTION CMD...: polls CMD every 0.5 s; dies naming DESCRIPTION after SECS.
wait_until() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@" > /dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "timed out after $secs s waiting for $what"
    fi
    sleep 0.5
  done
}

pidfile() { echo "$DIR/run/$1.pid"; }

# alive NODE: its recorded process is running and is ours (its command line names DIR).
# A process in the middle of execve shows an empty command line for a moment (the new image's arguments
# are not mapped yet): that is read again, a zombie (state Z) is not alive.
alive() {
  local f pid cmdline state tries=0
  f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] || return 1
  while kill -0 "$pid" 2> /dev/null; do
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2> /dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] || return 1
    cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null)
    if [ -n "$cmdline" ]; then
      [[ $cmdline == *"$DIR"* ]]
      return
    fi
    tries=$((tries + 1))
    [ "$tries" -lt 20 ] || return 1
    sleep 0.05
  done
  return 1
}

# spawn NODE CMD...: runs CMD in a new session (its own process group, so kill reaches its children),
# output appended to DIR/logs/NODE.log, pid in DIR/run/NODE.pid.
spawn() {
  local node=$1
  shift
  mkdir -p "$DIR/run" "$DIR/logs"
  echo "=== $(date -u +%FT%TZ) start $node" >> "$DIR/logs/$node.log"
  setsid "$@" >> "$DIR/logs/$node.log" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$node")"
}

# signal_node NODE SIGNAL: SIGNAL to the node's process group (and, for PostgreSQL, to its postmaster).
signal_node() {
  local node=$1 sig=$2 pid pm
  alive "$node" || return 0
  pid=$(cat "$(pidfile "$node")")
  kill "-$sig" -- "-$pid" 2> /dev/null || kill "-$sig" "$pid" 2> /dev/null || true
  if [ "$sig" = KILL ] && [ -f "$DIR/pg/$node/postmaster.pid" ]; then
    pm=$(head -1 "$DIR/pg/$node/postmaster.pid" 2> /dev/null)
    if [ -n "$pm" ] && tr '\0' ' ' < "/proc/$pm/cmdline" 2> /dev/null | grep -qF "$DIR/pg/$node"; then
      kill -KILL "$pm" 2> /dev/null || true
    fi
  fi
}

# stop_node NODE [SECS]: TERM, up to SECS (20) for it to exit, then KILL.
stop_node() {
  local node=$1 secs=${2:-20} pid
  alive "$node" || { rm -f "$(pidfile "$node")"; return 0; }
  pid=$(cat "$(pidfile "$node")")
  signal_node "$node" TERM
  local deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.3; done
  if kill -0 "$pid" 2> /dev/null; then
    log "$node did not stop within $secs s: kill -9"
  fi
  signal_node "$node" KILL
  # the process group may outlive its leader (a postmaster finishing its shutdown)
  kill -0 -- "-$pid" 2> /dev/null && { sleep 1; kill -KILL -- "-$pid" 2> /dev/null || true; }
  rm -f "$(pidfile "$node")"
}

load_env() {
  [ -f "$DIR/ports.env" ] || die "$DIR/ports.env not found: run '$0 up $DIR' first"
  # shellcheck disable=SC1091
  . "$DIR/ports.env"
}

# as_postgres CMD...: CMD as the postgres user with a clean environment whose pg_autoctl state
# (XDG config/data/runtime directories) lives under DIR/pg.
as_postgres() { "${AS_POSTGRES[@]}" "$@"; }
set_as_postgres() { # after DIR is known
  AS_POSTGRES=(setpriv --reuid="$PG_OS_USER" --regid="$PG_OS_USER" --init-groups
    env -i HOME="$DIR/pg" PATH="$PG_BIN:/usr/bin:/bin" LANG=C.UTF-8
    XDG_CONFIG_HOME="$DIR/pg/config" XDG_DATA_HOME="$DIR/pg/share" XDG_RUNTIME_DIR="$DIR/pg/run")
}

psql_port() { # PORT SQL: one value per line, as the superuser (trust on 127.0.0.1)
  PGCONNECT_TIMEOUT=3 psql -X -h 127.0.0.1 -p "$1" -U postgres -d "${PSQL_DB:-$DB_NAME}" -v ON_ERROR_STOP=1 -Atqc "$2"
}

pg_port_of() { # pg-a | pg-b
  case $1 in pg-a) echo "$PG_A_PORT" ;; pg-b) echo "$PG_B_PORT" ;; pg-monitor) echo "$PG_MONITOR_PORT" ;; esac
}

# pg_role NODE: primary | standby | down (asks the node itself)
pg_role() {
  local r
  r=$(PSQL_DB=postgres psql_port "$(pg_port_of "$1")" "SELECT pg_is_in_recovery()" 2> /dev/null) || { echo down; return; }
  case $r in f) echo primary ;; t) echo standby ;; *) echo down ;; esac
}

# monitor_states: "name current assigned" per data node, from the monitor
monitor_states() {
  PSQL_DB=pg_auto_failover psql_port "$PG_MONITOR_PORT" \
    "SELECT nodename || ' ' || reportedstate || ' ' || goalstate FROM pgautofailover.node ORDER BY nodeid"
}

# current_primary: the data node the monitor and the node itself agree is a writable primary
current_primary() {
  local n
  for n in pg-a pg-b; do
    if [ "$(pg_role "$n")" = primary ] && monitor_states 2> /dev/null | grep -Eq "^$n (primary|wait_primary|single) (primary|wait_primary|single)$"; then
      echo "$n"
      return 0
    fi
  done
  return 1
}

other_pg() { [ "$1" = pg-a ] && echo pg-b || echo pg-a; }

pg_group_healthy() { # both nodes up, one primary and one secondary in the monitor's eyes
  local states
  states=$(monitor_states) || return 1
  grep -Eq ' primary primary$' <<< "$states" && grep -Eq ' secondary secondary$' <<< "$states"
}

http_ok() { curl -sf --max-time 3 -o /dev/null "$1"; }

kafka_tool() { "$JAVA" -cp "$KAFKA_LIB/*" "$KAFKA_TOOL" "$@"; }

# ---------------------------------------------------------------- packages

ensure_packages() {
  local missing=()
  command -v haproxy > /dev/null 2>&1 || missing+=(haproxy)
  command -v pg_autoctl > /dev/null 2>&1 || missing+=(pg-auto-failover-cli)
  [ -f /usr/lib/postgresql/15/lib/pgautofailover.so ] || missing+=(postgresql-15-auto-failover)
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
  command -v redis-server > /dev/null 2>&1 || missing+=(redis-server)
  command -v psql > /dev/null 2>&1 || missing+=(postgresql-client)
  command -v setpriv > /dev/null 2>&1 || missing+=(util-linux)
  command -v curl > /dev/null 2>&1 || missing+=(curl)
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]} and not root: install them with apt-get"
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d keeps the packages' own services (haproxy, redis-server on 6379) from starting
  local own_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=true
  fi
  local rc=0
  timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -q > "$DIR/logs/apt.log" 2>&1 \
    && timeout 900 apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" >> "$DIR/logs/apt.log" 2>&1 \
    || rc=$?
  [ "$own_policy" = true ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" -eq 0 ] || { tail -20 "$DIR/logs/apt.log" >&2; die "apt-get install ${missing[*]} failed (exit $rc; $DIR/logs/apt.log)"; }
}

# ---------------------------------------------------------------- node start commands

start_pg() { # pg-monitor | pg-a | pg-b: pg_autoctl run (it starts and supervises postgres)
  local node=$1
  [ -d "$DIR/pg/$node" ] || die "$node was never created (run up)"
  spawn "$node" "${AS_POSTGRES[@]}" pg_autoctl run --pgdata "$DIR/pg/$node"
}

start_kafka() { # kafka-N
  local n=${1#kafka-}
  spawn "kafka-$n" "$JAVA" -Xms128m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$DIR/kafka/log4j2.properties" -cp "$KAFKA_LIB/*" kafka.Kafka "$DIR/kafka/$n/server.properties"
}

start_redis() {
  spawn redis redis-server "$DIR/redis/redis.conf"
}

app_env() { # the instance's environment, as env arguments
  local port=$1
  echo "PORT=$port"
  grep -E '^(DATABASE_URL|KAFKA_BOOTSTRAP_SERVERS|KAFKA_TOPIC|REDIS_URL|JWT_SECRET_KEY|AZURE_AD_CLIENT_ID)=' "$DIR/cluster.env.app"
  echo "KAFKA_REPLICATION_FACTOR=3"
  echo "KAFKA_MIN_INSYNC_REPLICAS=2"
  echo "BANK_DATA_DIR=$DIR/app-data"
  echo "RATE_LIMIT_PER_SECOND=${CLUSTER_RATE_LIMIT:-0}"
  echo "CONSUMER_ENABLED=true"
  # C1 only and an AOT cache (below): little is left for the warm-up to compile, and while one instance
  # warms up the others serve; 3 s keeps a restart's readiness near the AOT form's start
  echo "BANK_WARMUP_MS_MAX=${CLUSTER_WARMUP_MS_MAX:-3000}"
}

APP_JAVA_OPTS=${CLUSTER_APP_JAVA_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dspring.aot.enabled=true}

# The JDK's AOT cache (classes parsed, linked and profiled ahead of time) halves the CPU an instance
# needs to start, which is what a restart under load is short of. As the Dockerfile does: the jar is
# extracted once, started once with -XX:AOTCacheOutput against the cluster (it warms up and is stopped
# with SIGTERM, so the JVM writes the cache; it moves no money), and every instance then starts from
# the extracted jar with -XX:AOTCache. CLUSTER_AOT=0, or any failure here, starts them from the fat jar.
train_aot() {
  [ "${CLUSTER_AOT:-1}" = 1 ] || return 0
  rm -rf "$DIR/app"
  if ! "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$DIR/app" > "$DIR/logs/aot-extract.log" 2>&1; then
    log "jar extract failed ($DIR/logs/aot-extract.log): instances start from the fat jar"
    return 0
  fi
  local port pid
  port=$(svc_free_port 1)
  local -a envs
  mapfile -t envs < <(app_env "$port")
  # shellcheck disable=SC2086
  env "${envs[@]}" CONSUMER_ENABLED=false "$JAVA" $APP_JAVA_OPTS -XX:AOTCacheOutput="$DIR/app/app.aot" \
    -Dcluster.node="$DIR/aot-train" -jar "$DIR/app/banking-transaction-api.jar" serve > "$DIR/logs/aot-train.log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 180))
  until curl -sf -m 2 "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$pid" 2> /dev/null; then
      kill -9 "$pid" 2> /dev/null
      log "the AOT training run did not become ready ($DIR/logs/aot-train.log): instances start from the fat jar"
      rm -f "$DIR/app/app.aot"
      return 0
    fi
    sleep 0.5
  done
  kill -TERM "$pid"
  timeout 90 tail --pid="$pid" -f /dev/null || kill -9 "$pid" 2> /dev/null
  if [ -s "$DIR/app/app.aot" ]; then
    log "AOT cache written ($(du -h "$DIR/app/app.aot" | cut -f1)): instances start from it"
  else
    log "the training run wrote no AOT cache: instances start from the fat jar"
  fi
}

start_app() { # app-1 | app-2
  local node=$1 port
  case $node in app-1) port=$APP_1_PORT ;; app-2) port=$APP_2_PORT ;; esac
  local -a envs
  mapfile -t envs < <(app_env "$port")
  local -a launch=(-jar "$JAR")
  if [ -s "$DIR/app/app.aot" ]; then
    launch=(-XX:AOTCache="$DIR/app/app.aot" -jar "$DIR/app/banking-transaction-api.jar")
  fi
  # -Dcluster.node names DIR on the command line, so that alive/down recognise the process as ours
  # shellcheck disable=SC2086
  spawn "$node" env "${envs[@]}" "$JAVA" $APP_JAVA_OPTS -Dcluster.node="$DIR/$node" "${launch[@]}" serve
}

start_haproxy() {
  spawn haproxy haproxy -db -f "$DIR/haproxy/haproxy.cfg"
}

start_node() { # NODE (a concrete name)
  case $1 in
    pg-monitor | pg-a | pg-b) start_pg "$1" ;;
    kafka-1 | kafka-2 | kafka-3) start_kafka "$1" ;;
    redis) start_redis ;;
    app-1 | app-2) start_app "$1" ;;
    haproxy) start_haproxy ;;
    *) die "unknown node $1" ;;
  esac
}

# node_ready NODE: the node serves (PostgreSQL data node: the group has a primary and a secondary again;
# Kafka: the broker logged its start).
node_ready() {
  case $1 in
    pg-monitor) monitor_states > /dev/null 2>&1 ;;
    pg-a | pg-b) [ "$(pg_role "$1")" != down ] && pg_group_healthy ;;
    kafka-*) logged_since_start "$1" "Kafka Server started" ;;
    redis) redis_ping ;;
    app-1) http_ok "http://127.0.0.1:$APP_1_PORT/health/ready" ;;
    app-2) http_ok "http://127.0.0.1:$APP_2_PORT/health/ready" ;;
    haproxy) http_ok "http://127.0.0.1:$HAPROXY_PORT/health/ready" ;;
  esac
}

# exit_report NODE: sets EXIT_REPORT to how the node's recorded process ended: its exit status when it
# is this shell's child (so not from a subshell), or what /proc still shows of it.
exit_report() {
  local pid rc
  pid=$(cat "$(pidfile "$1")" 2> /dev/null)
  if [ -z "$pid" ]; then
    EXIT_REPORT="no pid recorded"
  elif [ -e "/proc/$pid" ] && [ "$(sed 's/^.*) //' "/proc/$pid/stat" 2> /dev/null | cut -d' ' -f1)" != Z ]; then
    EXIT_REPORT="pid $pid still present, command line '$(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null)'"
  else
    wait "$pid" 2> /dev/null
    rc=$?
    EXIT_REPORT="pid $pid exit status $rc"
  fi
}

# wait_node NODE SECS: until node_ready; dies at once when the node's process exits.
wait_node() {
  local node=$1 secs=$2
  local deadline=$((SECONDS + secs))
  until node_ready "$node"; do
    if ! alive "$node"; then
      exit_report "$node"
      die "$node exited ($EXIT_REPORT); last lines of $DIR/logs/$node.log: $(tail -5 "$DIR/logs/$node.log")"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after $secs s waiting for $node to be ready ($DIR/logs/$node.log)"
    sleep 0.5
  done
}

# logged_since_start NODE TEXT: TEXT appears in the node's log after its last start
logged_since_start() {
  awk -v text="$2" '/^=== .* start / {found = 0} index($0, text) {found = 1} END {exit !found}' "$DIR/logs/$1.log"
}

redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2> /dev/null)" = PONG ]; }

# resolve NODE: pg-primary / pg-standby to pg-a or pg-b
resolve() {
  local p
  case $1 in
    pg-primary)
      p=$(current_primary) || die "no data node is primary now (status: $(monitor_states 2> /dev/null | tr '\n' ';'))"
      echo "$p"
      ;;
    pg-standby)
      p=$(current_primary) || die "no data node is primary now, so none is the standby"
      other_pg "$p"
      ;;
    pg-monitor | pg-a | pg-b | kafka-1 | kafka-2 | kafka-3 | redis | app-1 | app-2 | haproxy) echo "$1" ;;
    *) die "unknown node '$1' (pg-primary pg-standby pg-a pg-b pg-monitor kafka-1 kafka-2 kafka-3 app-1 app-2 redis haproxy)" ;;
  esac
}

# ---------------------------------------------------------------- database URL

# db_url FORM: the multi-host DATABASE_URL naming both data nodes, connecting to the primary.
#   uri:  postgresql://bank:PASS@127.0.0.1:A,127.0.0.1:B/banking?targetServerType=primary&... (issue 10's form)
#   jdbc: jdbc:postgresql://127.0.0.1:A,127.0.0.1:B/banking?targetServerType=primary&...&user=bank&password=PASS
# hostRecheckSeconds=2: the driver remembers a host's role (standby) for that long, 10 s by default,
# which would keep the pool off a just-promoted standby for up to 10 s after a failover.
db_url() {
  local params="targetServerType=primary&hostRecheckSeconds=2&connectTimeout=3"
  case $1 in
    uri) echo "postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_A_PORT,127.0.0.1:$PG_B_PORT/$DB_NAME?$params" ;;
    jdbc) echo "jdbc:postgresql://127.0.0.1:$PG_A_PORT,127.0.0.1:$PG_B_PORT/$DB_NAME?$params&user=$DB_USER&password=$DB_PASSWORD" ;;
  esac
}

# ---------------------------------------------------------------- up

write_configs() {
  mkdir -p "$DIR/kafka" "$DIR/redis" "$DIR/haproxy" "$DIR/app-data/keys"
  local voters="1@127.0.0.1:$KAFKA_1_CONTROLLER_PORT,2@127.0.0.1:$KAFKA_2_CONTROLLER_PORT,3@127.0.0.1:$KAFKA_3_CONTROLLER_PORT"
  local n port cport
  for n in 1 2 3; do
    port=$(eval echo "\$KAFKA_${n}_PORT")
    cport=$(eval echo "\$KAFKA_${n}_CONTROLLER_PORT")
    mkdir -p "$DIR/kafka/$n"
    cat > "$DIR/kafka/$n/server.properties" << PROPS
# kafka-$n of the cluster in $DIR: broker and KRaft controller in one process
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/kafka/$n/data
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
# a killed broker is fenced (its partitions get new leaders) within about 4 s
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
log.segment.bytes=16777216
PROPS
  done
  cat > "$DIR/kafka/log4j2.properties" << 'PROPS'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
logger.raft.name = org.apache.kafka.raft
logger.raft.level = WARN
logger.controller.name = org.apache.kafka.controller
logger.controller.level = WARN
PROPS
  cat > "$DIR/redis/redis.conf" << CONF
# the cluster's private Redis ($DIR), never the machine's 6379
bind 127.0.0.1
port $REDIS_PORT
dir $DIR/redis
save ""
appendonly no
daemonize no
protected-mode yes
# the process title names this file, so that status and down recognise the process as ours
proc-title-template "{title} {listen-addr} {config-file}"
CONF
  cat > "$DIR/haproxy/haproxy.cfg" << CFG
# HAProxy in front of the two instances ($DIR). A connection that fails (instance killed, not yet
# listening) is retried on the other instance (retries + option redispatch + retry-on conn-failure),
# so only requests already in flight on a dying instance see an error; clients retry those with
# their Idempotency-Key. The health check is the service's readiness (database reachable).
global
    maxconn 4096
    log stdout format short local0 notice

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 10s
    timeout http-request 10s
    retries 3
    option redispatch 1
    retry-on conn-failure
    http-reuse safe

frontend api
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend instances

backend instances
    balance leastconn
    option httpchk GET /health/ready
    http-check expect status 200
    # a refused connection marks an instance down at once (observe layer4); checks every second, 4 s to
    # answer (a busy instance is slow, not dead), down after 3 failed checks, up after 2 good ones
    timeout check 4s
    default-server inter 1s fastinter 500ms downinter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down
    server app-1 127.0.0.1:$APP_1_PORT check
    server app-2 127.0.0.1:$APP_2_PORT check

listen stats
    bind 127.0.0.1:$HAPROXY_STATS_PORT
    stats enable
    stats uri /stats
    stats refresh 5s
CFG
  # The local key-encryption key, shared by both instances (as the compose file's shared volume does):
  # written once here, so that two instances starting together cannot each create their own.
  if [ ! -f "$DIR/app-data/keys/kek-1.key" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 > "$DIR/app-data/keys/kek-1.key")
  fi
}

create_pg_group() {
  local pgd=$DIR/pg
  mkdir -p "$pgd/config" "$pgd/share" "$pgd/run"
  chown -R "$PG_OS_USER:" "$pgd"
  chmod 700 "$pgd/run"
  as_postgres test -w "$pgd" || die "$pgd is not writable by the user $PG_OS_USER (every parent directory must be searchable by it)"

  log "pg_auto_failover monitor on 127.0.0.1:$PG_MONITOR_PORT"
  as_postgres timeout 120 pg_autoctl create monitor --pgdata "$pgd/pg-monitor" --pgport "$PG_MONITOR_PORT" \
    --pgctl "$PG_BIN/pg_ctl" --hostname 127.0.0.1 --auth trust --no-ssl >> "$DIR/logs/pg-monitor.log" 2>&1 \
    || die "pg_autoctl create monitor failed ($DIR/logs/pg-monitor.log: $(tail -3 "$DIR/logs/pg-monitor.log"))"
  as_postgres pg_autoctl config set --pgdata "$pgd/pg-monitor" postgresql.listen_addresses 127.0.0.1 > /dev/null 2>&1 || true
  start_pg pg-monitor
  wait_node pg-monitor 60
  # Failure detection tuned for one machine: the monitor checks every second and declares a node
  # unhealthy after 4 s without a report (production defaults: 5 s and 20 s; 30 s demote timeout).
  local s
  for s in health_check_period=1000 health_check_timeout=1000 health_check_max_retries=1 health_check_retry_delay=500 \
    node_considered_unhealthy_timeout=4000 primary_demote_timeout=4000; do
    PSQL_DB=pg_auto_failover psql_port "$PG_MONITOR_PORT" "ALTER SYSTEM SET pgautofailover.${s%%=*} = ${s#*=}" \
      || die "cannot tune the monitor (pgautofailover.${s%%=*})"
  done
  PSQL_DB=pg_auto_failover psql_port "$PG_MONITOR_PORT" "SELECT pg_reload_conf()" > /dev/null
  local monitor_uri="postgres://autoctl_node@127.0.0.1:$PG_MONITOR_PORT/pg_auto_failover?sslmode=disable"

  local node port
  for node in pg-a pg-b; do
    port=$(pg_port_of "$node")
    log "pg_auto_failover data node $node on 127.0.0.1:$port"
    # replication quorum on both: the primary commits only once the standby has the WAL
    # (synchronous_standby_names = ANY 1 (...)), so an acknowledged commit survives losing the primary
    as_postgres timeout 300 pg_autoctl create postgres --pgdata "$pgd/$node" --pgport "$port" --listen 127.0.0.1 \
      --pgctl "$PG_BIN/pg_ctl" --hostname 127.0.0.1 --name "$node" --auth trust --no-ssl --monitor "$monitor_uri" \
      --dbname "$DB_NAME" --replication-quorum true --candidate-priority 50 >> "$DIR/logs/$node.log" 2>&1 \
      || die "pg_autoctl create postgres $node failed ($DIR/logs/$node.log: $(tail -3 "$DIR/logs/$node.log"))"
    start_pg "$node"
    if [ "$node" = pg-a ]; then
      wait_until 90 "pg-a to run as the single primary" bash -c "[ \"\$(PGCONNECT_TIMEOUT=3 psql -X -h 127.0.0.1 -p $port -U postgres -d postgres -Atqc 'SELECT pg_is_in_recovery()' 2>/dev/null)\" = f ]"
      # the service's own role and database owner
      psql_port "$port" "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'" > /dev/null \
        && psql_port "$port" "ALTER DATABASE $DB_NAME OWNER TO $DB_USER" > /dev/null \
        && psql_port "$port" "GRANT ALL ON SCHEMA public TO $DB_USER; ALTER SCHEMA public OWNER TO $DB_USER" > /dev/null \
        || die "cannot create the role $DB_USER on pg-a"
    fi
  done
  wait_until 180 "the pg_auto_failover group (pg-a primary, pg-b secondary)" pg_group_healthy
  local sync
  sync=$(psql_port "$PG_A_PORT" "SHOW synchronous_standby_names")
  [ -n "$sync" ] || die "pg-a has no synchronous standby"
  log "PostgreSQL group ready: pg-a primary, pg-b secondary, synchronous_standby_names = $sync"
}

start_kafka_cluster() {
  local cluster_id n
  cluster_id=$("$JAVA" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2> /dev/null | tail -1)
  [ -n "$cluster_id" ] || die "cannot make a Kafka cluster id"
  for n in 1 2 3; do
    "$JAVA" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/kafka/$n/server.properties" \
      >> "$DIR/logs/kafka-$n.log" 2>&1 || die "cannot format kafka-$n's storage ($DIR/logs/kafka-$n.log)"
  done
  for n in 1 2 3; do start_kafka "kafka-$n"; done
  log "three KRaft brokers starting: $KAFKA_BOOTSTRAP"
}

cmd_up() {
  local started=$SECONDS
  local limit=${CLUSTER_UP_TIMEOUT_S:-300}
  mkdir -p "$DIR/logs" "$DIR/run"
  local n
  for n in "${ALL_NODES[@]}"; do
    alive "$n" && die "$n is already running in $DIR (pid $(cat "$(pidfile "$n")")): '$0 down $DIR' first"
  done
  [ -e "$DIR/pg" ] || [ -e "$DIR/kafka" ] && die "$DIR holds a previous cluster: '$0 down $DIR' removes it, or choose another DIR"
  # a failed up stops what it started (logs and data stay for a look; down removes them)
  trap 'rc=$?; if [ "$rc" -ne 0 ]; then log "up failed: stopping what it started (logs in $DIR/logs)"; (CLUSTER_KEEP=1 cmd_down); fi' EXIT
  ensure_packages
  command -v "$JAVA" > /dev/null 2>&1 || [ -x "$JAVA" ] || die "java not found (set JAVA_HOME)"
  [ -f "$JAR" ] || svc_build_jar >&2 || die "cannot build $JAR"
  KAFKA_LIB=$(cd "$ROOT" && timeout 600 scripts/kafka-standalone.sh fetch 2> "$DIR/logs/kafka-fetch.log" | tail -1)
  [ -d "$KAFKA_LIB" ] || die "cannot fetch Kafka's jars ($DIR/logs/kafka-fetch.log)"

  local ports
  ports=$(svc_free_port 14) || die "cannot find free ports"
  {
    read -r PG_MONITOR_PORT; read -r PG_A_PORT; read -r PG_B_PORT
    read -r KAFKA_1_PORT; read -r KAFKA_2_PORT; read -r KAFKA_3_PORT
    read -r KAFKA_1_CONTROLLER_PORT; read -r KAFKA_2_CONTROLLER_PORT; read -r KAFKA_3_CONTROLLER_PORT
    read -r REDIS_PORT; read -r APP_1_PORT; read -r APP_2_PORT; read -r HAPROXY_PORT; read -r HAPROXY_STATS_PORT
  } <<< "$ports"
  KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_1_PORT,127.0.0.1:$KAFKA_2_PORT,127.0.0.1:$KAFKA_3_PORT"
  DB_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  local jwt_secret
  jwt_secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat > "$DIR/ports.env" << ENV
PG_MONITOR_PORT=$PG_MONITOR_PORT
PG_A_PORT=$PG_A_PORT
PG_B_PORT=$PG_B_PORT
KAFKA_1_PORT=$KAFKA_1_PORT
KAFKA_2_PORT=$KAFKA_2_PORT
KAFKA_3_PORT=$KAFKA_3_PORT
KAFKA_1_CONTROLLER_PORT=$KAFKA_1_CONTROLLER_PORT
KAFKA_2_CONTROLLER_PORT=$KAFKA_2_CONTROLLER_PORT
KAFKA_3_CONTROLLER_PORT=$KAFKA_3_CONTROLLER_PORT
REDIS_PORT=$REDIS_PORT
APP_1_PORT=$APP_1_PORT
APP_2_PORT=$APP_2_PORT
HAPROXY_PORT=$HAPROXY_PORT
HAPROXY_STATS_PORT=$HAPROXY_STATS_PORT
KAFKA_BOOTSTRAP=$KAFKA_BOOTSTRAP
KAFKA_LIB=$KAFKA_LIB
DB_PASSWORD=$DB_PASSWORD
ENV
  write_configs

  # Kafka and Redis start, and the topics are created (as soon as three brokers answer), in the
  # background while the PostgreSQL group is created.
  start_kafka_cluster
  start_redis
  log "Kafka: creating topics $KAFKA_TOPIC_NAME and $KAFKA_TOPIC_NAME.DLT (replication factor 3, min.insync.replicas 2)"
  timeout 200 "$JAVA" -cp "$KAFKA_LIB/*" "$KAFKA_TOOL" topics "$KAFKA_BOOTSTRAP" 3 2 3 180 \
    "$KAFKA_TOPIC_NAME" "$KAFKA_TOPIC_NAME.DLT" >> "$DIR/logs/kafka-admin.log" 2>&1 &
  local topics_pid=$!
  create_pg_group
  wait_node redis 30
  for n in 1 2 3; do wait_node "kafka-$n" $((limit - (SECONDS - started))); done
  wait "$topics_pid" || die "cannot create the topics ($DIR/logs/kafka-admin.log: $(grep ClusterKafka "$DIR/logs/kafka-admin.log" | tail -2))"
  log "Kafka: $(grep -h 'in-sync replicas' "$DIR/logs/kafka-admin.log" | tail -1)"

  # The schema, once, before two instances start (init-db). The multi-host postgresql:// form is
  # issue 10's; a jar that does not parse it yet gets the equivalent JDBC URL.
  local form=${CLUSTER_DB_URL_FORM:-auto} url
  local forms=(uri jdbc)
  [ "$form" = auto ] || forms=("$form")
  for form in "${forms[@]}"; do
    url=$(db_url "$form")
    if DATABASE_URL=$url timeout 120 "$JAVA" -jar "$JAR" init-db > "$DIR/logs/init-db-$form.log" 2>&1; then
      break
    fi
    if grep -q "DATABASE_URL" "$DIR/logs/init-db-$form.log" && [ "$form" = uri ] && [ "${#forms[@]}" -gt 1 ]; then
      log "this jar does not accept the multi-host postgresql:// DATABASE_URL yet ($(grep -m1 DATABASE_URL "$DIR/logs/init-db-$form.log" | cut -c1-160)); using the JDBC form"
      continue
    fi
    die "init-db failed ($DIR/logs/init-db-$form.log: $(tail -3 "$DIR/logs/init-db-$form.log"))"
  done
  log "schema applied (DATABASE_URL form: $form)"

  local client_id="bank-cluster"
  cat > "$DIR/cluster.env.app" << ENV
API_URL=http://127.0.0.1:$HAPROXY_PORT
DATABASE_URL=$url
KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP
KAFKA_TOPIC=$KAFKA_TOPIC_NAME
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
JWT_SECRET_KEY=$jwt_secret
AZURE_AD_CLIENT_ID=$client_id
ENV
  train_aot
  start_app app-1
  start_app app-2
  local app_limit=$((limit - (SECONDS - started)))
  [ "$app_limit" -gt 30 ] || app_limit=30
  wait_node app-1 "$app_limit"
  wait_node app-2 "$app_limit"
  start_haproxy
  wait_node haproxy 30
  wait_until 30 "HAProxy to see both instances UP" haproxy_both_up

  # KEY='value' lines, safe to source (a JDBC URL holds '&'); the values never contain a quote
  {
    echo "# the cluster in $DIR (scripts/cluster.sh); source it: set -a; . $DIR/cluster.env; set +a"
    {
      cat "$DIR/cluster.env.app"
      echo "DATABASE_URL_FORM=$form"
      echo "PG_URL_A=postgresql://postgres@127.0.0.1:$PG_A_PORT/$DB_NAME"
      echo "PG_URL_B=postgresql://postgres@127.0.0.1:$PG_B_PORT/$DB_NAME"
      echo "PG_MONITOR_URL=postgresql://postgres@127.0.0.1:$PG_MONITOR_PORT/pg_auto_failover"
      echo "HAPROXY_STATS_URL=http://127.0.0.1:$HAPROXY_STATS_PORT/stats"
      echo "APP_1_URL=http://127.0.0.1:$APP_1_PORT"
      echo "APP_2_URL=http://127.0.0.1:$APP_2_PORT"
      echo "KAFKA_LIB=$KAFKA_LIB"
    } | sed -E "s/^([A-Z0-9_]+)=(.*)$/\1='\2'/"
  } > "$DIR/cluster.env"
  trap - EXIT
  log "cluster up in $((SECONDS - started)) s: API_URL=http://127.0.0.1:$HAPROXY_PORT (env in $DIR/cluster.env)"
}

# haproxy_server_states: "name status" of each instance, from the stats CSV
haproxy_server_states() {
  curl -sf --max-time 3 "http://127.0.0.1:$HAPROXY_STATS_PORT/stats;csv" | awk -F, '$1 == "instances" && $2 ~ /^app-/ {print $2, $18}'
}
haproxy_both_up() { [ "$(haproxy_server_states | grep -c ' UP')" -eq 2 ]; }

# ---------------------------------------------------------------- status, kill, start, down

cmd_status() {
  load_env
  local n first=1 primary="" role
  printf '{"dir":"%s","nodes":{' "$DIR"
  for n in "${ALL_NODES[@]}"; do
    [ "$first" -eq 1 ] || printf ','
    first=0
    if alive "$n"; then
      case $n in
        pg-a | pg-b)
          role=$(pg_role "$n")
          [ "$role" = primary ] && primary=$n
          printf '"%s":{"state":"up","role":"%s"}' "$n" "$role"
          ;;
        *) printf '"%s":{"state":"up"}' "$n" ;;
      esac
    else
      printf '"%s":{"state":"down"}' "$n"
    fi
  done
  local monitor haproxy_servers
  monitor=$(monitor_states 2> /dev/null | awk '{printf "%s\"%s\":{\"reported\":\"%s\",\"assigned\":\"%s\"}", (NR>1?",":""), $1, $2, $3}')
  haproxy_servers=$(haproxy_server_states 2> /dev/null | awk '{printf "%s\"%s\":\"%s\"", (NR>1?",":""), $1, $2}')
  # empty while the primary runs alone (wait_primary): commits then wait for no standby
  local sync=""
  [ -n "$primary" ] && sync=$(PSQL_DB=postgres psql_port "$(pg_port_of "$primary")" "SHOW synchronous_standby_names" 2> /dev/null | tr -d '"\\')
  printf '},"pg_primary":%s,"pg_synchronous_standby_names":"%s","pg_monitor_states":{%s},"haproxy_servers":{%s}}\n' \
    "$([ -n "$primary" ] && printf '"%s"' "$primary" || printf null)" "$sync" "$monitor" "$haproxy_servers"
}

cmd_kill() {
  load_env
  local node
  node=$(resolve "$1") || exit 1
  alive "$node" || die "$node is not running"
  [ "$1" = pg-primary ] && echo "$node" > "$DIR/run/killed-primary"
  local pid
  pid=$(cat "$(pidfile "$node")")
  signal_node "$node" KILL
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  wait_until 10 "$node's processes to exit" bash -c "! kill -0 -- -$pid 2>/dev/null"
  rm -f "$(pidfile "$node")"
  log "killed $node (kill -9, process group $pid)"
}

cmd_start() {
  load_env
  local node
  case $1 in
    pg-primary)
      # the data node that was killed as primary comes back; pg_auto_failover makes it a standby
      [ -f "$DIR/run/killed-primary" ] || die "no data node was killed as pg-primary"
      node=$(cat "$DIR/run/killed-primary")
      ;;
    pg-standby)
      node=pg-a
      alive pg-a && node=pg-b
      ;;
    *) node=$(resolve "$1") || exit 1 ;;
  esac
  alive "$node" && die "$node is already running"
  start_node "$node"
  wait_node "$node" "${CLUSTER_START_TIMEOUT_S:-120}"
  [ "$node" = "$(cat "$DIR/run/killed-primary" 2> /dev/null)" ] && rm -f "$DIR/run/killed-primary"
  log "started $node"
}

cmd_down() {
  [ -d "$DIR" ] || { log "$DIR does not exist: nothing to stop"; return 0; }
  local n
  # clients first, then the stores they use
  for n in haproxy app-1 app-2; do stop_node "$n" 30 & done
  wait
  # brokers stopping together cannot all finish a controlled shutdown (the quorum goes with them): 10 s, then KILL
  for n in kafka-1 kafka-2 kafka-3 redis; do stop_node "$n" 10 & done
  wait
  for n in pg-a pg-b; do stop_node "$n" 30 & done
  wait
  stop_node pg-monitor 30
  local left=0
  for n in "${ALL_NODES[@]}"; do alive "$n" && { log "$n still running"; left=1; }; done
  [ "$left" -eq 0 ] || die "some nodes did not stop"
  if [ -z "${CLUSTER_KEEP:-}" ]; then
    rm -rf "$DIR/pg" "$DIR/kafka" "$DIR/redis" "$DIR/app-data" "$DIR/run"
  fi
  log "cluster in $DIR stopped"
}

# ---------------------------------------------------------------- main

[ $# -ge 2 ] || usage
CMD=$1
DIR=$(realpath -m "$2")
set_as_postgres
case $CMD in
  up) cmd_up ;;
  status) cmd_status ;;
  kill) [ $# -ge 3 ] || usage; cmd_kill "$3" ;;
  start) [ $# -ge 3 ] || usage; cmd_start "$3" ;;
  down) cmd_down ;;
  *) usage ;;
esac
