#!/usr/bin/env bash
# A standalone single-node Kafka broker (KRaft, no ZooKeeper) for running the service outside the
# tests, built only from Maven Central: the broker artifact org.apache.kafka:kafka_2.13 of the same
# version as the kafka-clients the service uses, with its runtime dependencies.
#
#   scripts/kafka-standalone.sh start [PORT [CONTROLLER_PORT]]   # default 9092 and PORT+1; prints the bootstrap servers
#   scripts/kafka-standalone.sh stop
#   scripts/kafka-standalone.sh status
#   scripts/kafka-standalone.sh fetch                           # only fetch the jars; prints their directory
#
# Everything lives under target/kafka-standalone/ (jars, config, data, log, pid); KAFKA_HOME_DIR
# overrides where config, data, log and pid go, KAFKA_LIB_DIR where the jars go. KAFKA_VERSION overrides the version. Needs java (JAVA_HOME honoured) and ./mvnw.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
HOME_DIR=${KAFKA_HOME_DIR:-$ROOT/target/kafka-standalone}
LIB_DIR=${KAFKA_LIB_DIR:-$ROOT/target/kafka-standalone/lib}
PID_FILE=$HOME_DIR/kafka.pid
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

kafka_version() {
    if [[ -n ${KAFKA_VERSION:-} ]]; then
        echo "$KAFKA_VERSION"
        return
    fi
    local cache=$LIB_DIR/../kafka-clients.txt
    mkdir -p "$LIB_DIR"
    if [[ ! -s $cache || pom.xml -nt $cache ]]; then
        ./mvnw -q -o dependency:list -DincludeGroupIds=org.apache.kafka -DincludeArtifactIds=kafka-clients \
            -DoutputFile="$cache" >/dev/null 2>&1 \
            || ./mvnw -q dependency:list -DincludeGroupIds=org.apache.kafka -DincludeArtifactIds=kafka-clients \
                -DoutputFile="$cache" >/dev/null
    fi
    grep -o 'org.apache.kafka:kafka-clients:jar:[^:]*' "$cache" | head -1 | cut -d: -f4
}

fetch_jars() {
    local version=$1
    if [[ -f $LIB_DIR/.complete-$version ]]; then
        return
    fi
    rm -rf "$LIB_DIR"
    mkdir -p "$LIB_DIR"
    cat >"$LIB_DIR/../kafka-jars-pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId>
  <artifactId>kafka-standalone</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
    echo "Fetching Kafka $version and its dependencies from Maven Central..." >&2
    ./mvnw -q -f "$LIB_DIR/../kafka-jars-pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$LIB_DIR" >&2
    touch "$LIB_DIR/.complete-$version"
}

running() {
    [[ -f $PID_FILE ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

start() {
    local port=${1:-9092}
    local controller_port=${2:-$((port + 1))}
    if running; then
        echo "Kafka already running (pid $(cat "$PID_FILE")): $(cat "$HOME_DIR/bootstrap")"
        return 0
    fi
    local version
    version=$(kafka_version)
    [[ -n $version ]] || { echo "cannot determine the Kafka version" >&2; exit 1; }
    fetch_jars "$version"
    mkdir -p "$HOME_DIR"
    rm -rf "$HOME_DIR/data"
    cat >"$HOME_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$HOME_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    local cp="$LIB_DIR/*"
    local cluster_id
    cluster_id=$("$JAVA" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    "$JAVA" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$HOME_DIR/server.properties" >"$HOME_DIR/format.log" 2>&1 \
        || { cat "$HOME_DIR/format.log" >&2; exit 1; }
    nohup "$JAVA" -Xms128m -Xmx512m -XX:+UseSerialGC -cp "$cp" kafka.Kafka "$HOME_DIR/server.properties" \
        >"$HOME_DIR/kafka.log" 2>&1 &
    echo $! >"$PID_FILE"
    echo "127.0.0.1:$port" >"$HOME_DIR/bootstrap"
    for _ in $(seq 1 120); do
        if grep -q "Kafka Server started" "$HOME_DIR/kafka.log" 2>/dev/null; then
            echo "Kafka $version started (pid $(cat "$PID_FILE")), KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port, log $HOME_DIR/kafka.log"
            return 0
        fi
        if ! running; then
            echo "Kafka exited; last lines of $HOME_DIR/kafka.log:" >&2
            tail -20 "$HOME_DIR/kafka.log" >&2
            exit 1
        fi
        sleep 1
    done
    echo "Kafka did not start within 120 s; see $HOME_DIR/kafka.log" >&2
    stop
    exit 1
}

stop() {
    if running; then
        local pid
        pid=$(cat "$PID_FILE")
        kill "$pid"
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        echo "Kafka stopped"
    fi
    rm -f "$PID_FILE"
}

case ${1:-start} in
    start) start "${2:-9092}" "${3:-}" ;;
    stop) stop ;;
    fetch)
        version=$(kafka_version)
        [[ -n $version ]] || { echo "cannot determine the Kafka version" >&2; exit 1; }
        fetch_jars "$version"
        echo "$LIB_DIR"
        ;;
    status) if running; then echo "running: $(cat "$HOME_DIR/bootstrap")"; else echo "stopped"; exit 1; fi ;;
    *) echo "usage: $0 start [PORT [CONTROLLER_PORT]] | stop | status | fetch" >&2; exit 64 ;;
esac
