# syntax=docker/dockerfile:1
#
# Banking Transaction API: container image.
#
#   docker build -t banking-transaction-api .
#   docker run --rm -p 8000:8000 -e DATABASE_URL=postgresql://user:pass@host:5432/db banking-transaction-api
#   docker run --rm banking-transaction-api consume      # Kafka fraud consumer alone
#   docker run --rm banking-transaction-api init-db      # apply the schema and exit
#
# Stage 1 builds the jar with the Maven wrapper and splits it into the Spring Boot layers
# (dependencies change rarely, the application often) so that a code change rebuilds and pushes
# only the small last layer; stage 2 is the runtime image, on a JRE, as non-root; stage 3 starts
# the service once as in production (against a throw-away PostgreSQL) to train the JDK's AOT cache
# (JEP 483/514/515: classes loaded and linked, method profiles), and the final image is the runtime
# plus that one file, read at every start with -XX:AOTCache. This is what brings `java` to ready
# in about half the time of `java -jar` on the fat jar (see scripts/benchmark.sh, "start-up").

# JDK 25: the AOT cache (-XX:AOTCacheOutput / -XX:AOTCache) needs JDK 24 or later; the code targets 21.
ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble

############################ build ############################
FROM ${JDK_IMAGE} AS build
WORKDIR /build

# Wrapper and POM first: this layer (and the Maven cache mount) survive source-only changes.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN chmod +x mvnw

COPY src/ src/
# Tests run in the CI's Build_Test stage (./mvnw verify); the image build only packages.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests package \
 && cp target/banking-transaction-api.jar /build/app.jar

# Spring Boot 3.3+/4 tools jar mode: one directory per layer (dependencies, spring-boot-loader,
# snapshot-dependencies, application), each holding its part of an extracted jar: app.jar with a
# Class-Path manifest naming lib/*.jar. Plain jars on the class path (no nested-jar launcher) load
# faster and are what the AOT cache can hold; classes of Boot's nested-jar class loader cannot.
RUN java -Djarmode=tools -jar /build/app.jar extract --layers --destination /build/extracted

############################ runtime ############################
FROM ${JRE_IMAGE} AS runtime

LABEL org.opencontainers.image.title="banking-transaction-api" \
      org.opencontainers.image.description="Banking Transaction API (Spring Boot): accounts, deposits, withdrawals, transfers" \
      org.opencontainers.image.licenses="Apache-2.0"

# Unprivileged user with a fixed uid/gid (10001) so volume permissions are predictable.
RUN groupadd --system --gid 10001 bank \
 && useradd --system --uid 10001 --gid bank --home-dir /app --no-create-home --shell /usr/sbin/nologin bank \
 && mkdir -p /app/data \
 && chown -R bank:bank /app

WORKDIR /app

# Least to most frequently changed: each COPY is its own cacheable layer.
COPY --from=build --chown=bank:bank /build/extracted/dependencies/ ./
COPY --from=build --chown=bank:bank /build/extracted/spring-boot-loader/ ./
COPY --from=build --chown=bank:bank /build/extracted/snapshot-dependencies/ ./
COPY --from=build --chown=bank:bank /build/extracted/application/ ./

# MaxRAMPercentage sizes the heap from the container's memory limit (cgroup aware);
# ExitOnOutOfMemoryError lets the orchestrator restart a broken JVM instead of limping on.
ENV PORT=8000 \
    BANK_DATA_DIR=/app/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"

USER bank:bank
EXPOSE 8000
VOLUME ["/app/data"]

# The temurin noble images ship curl (and wget); /health is the liveness probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT:-8000}/health" || exit 1

# exec: the JVM is PID 1 and receives SIGTERM for a graceful shutdown.
# Arguments after the image name pick the subcommand: serve (default), consume, init-db, token, rotate-keys.
# -XX:AOTCache: the cache the train stage wrote (absent in this stage: the JVM then starts without it).
# -Dspring.aot.enabled=true: the bean definitions the build computed (process-aot) for serve; the
# other subcommands turn it off themselves.
ENTRYPOINT ["sh", "-c", "exec java -XX:AOTCache=/app/app.aot -Dspring.aot.enabled=true $JAVA_OPTS -jar /app/app.jar \"$@\"", "--"]
CMD ["serve"]

############################ train ############################
# The training run: the distribution's PostgreSQL in this throw-away stage, the service started as the
# entry point starts it plus -XX:AOTCacheOutput, its start-up warm-up (until /health/ready), a few
# account openings, transfers and reads, then SIGTERM: the JVM writes /app/app.aot as it exits. Same
# JRE, same /app files (same paths and times) and same JAVA_OPTS as the final image, as the cache requires.
FROM runtime AS train
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql \
 && rm -rf /var/lib/apt/lists/*
RUN <<'TRAIN'
set -eu
cluster="$(ls /etc/postgresql | sort -V | tail -1)"
pg_ctlcluster "$cluster" main start
su postgres -c "psql -q -c \"CREATE ROLE bank LOGIN PASSWORD 'train'\" -c 'CREATE DATABASE train OWNER bank'"
export DATABASE_URL=postgresql://bank:train@127.0.0.1:5432/train PORT=8000 BANK_DATA_DIR=/tmp/train-data \
  CONSUMER_ENABLED=false RATE_LIMIT_PER_SECOND=0 \
  JWT_SECRET_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# shellcheck disable=SC2086
java -XX:AOTCacheOutput=/app/app.aot -Dspring.aot.enabled=true $JAVA_OPTS -jar /app/app.jar serve > /tmp/train.log 2>&1 &
pid=$!
i=0
until curl -fs -o /dev/null http://127.0.0.1:8000/health/ready; do
  i=$((i + 1)); [ "$i" -lt 300 ] || { tail -n 40 /tmp/train.log; exit 1; }; sleep 1
done
token="$(java -jar /app/app.jar token --sub train --role admin --ttl 10m | tail -n 1)"
api() { curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
open='{"owner_id":"train","holder_name":"Train","email":"train@example.com","currency":"EUR","initial_deposit":"1000.00"}'
a="$(api -d "$open" http://127.0.0.1:8000/accounts | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)"
b="$(api -d "$open" http://127.0.0.1:8000/accounts | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)"
n=0
while [ "$n" -lt 300 ]; do
  n=$((n + 1))
  api -o /dev/null -H "Idempotency-Key: train-$n" \
    -d "{\"type\":\"transfer\",\"account_id\":$a,\"target_account_id\":$b,\"amount\":\"0.01\"}" http://127.0.0.1:8000/transactions
  api -o /dev/null "http://127.0.0.1:8000/accounts/$a"
  api -o /dev/null "http://127.0.0.1:8000/transactions?account_id=$a&limit=20"
done
kill -TERM "$pid"
wait "$pid" || true
pg_ctlcluster "$cluster" main stop
test -s /app/app.aot || { tail -n 40 /tmp/train.log; exit 1; }
chmod 0644 /app/app.aot
TRAIN

############################ final ############################
FROM runtime
COPY --from=train --chown=bank:bank /app/app.aot /app/app.aot
