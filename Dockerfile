# syntax=docker/dockerfile:1
#
# Banking Transaction API: container image.
#
#   docker build -t banking-transaction-api .
#   docker run --rm -p 8000:8000 -e DATABASE_URL=postgresql://user:pass@host:5432/db banking-transaction-api
#   docker run --rm banking-transaction-api consume      # Kafka fraud consumer alone
#   docker run --rm banking-transaction-api init-db      # apply the schema and exit
#
# Stage 1 builds the jar with the Maven wrapper; stage 2 splits it into the Spring Boot
# layers (dependencies change rarely, the application often) so that a code change rebuilds
# and pushes only the small last layer; stage 3 is the runtime image, on a JRE, as non-root.

ARG JDK_IMAGE=eclipse-temurin:21-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:21-jre-noble

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
# snapshot-dependencies, application), each holding its part of the exploded jar; --launcher
# keeps the JarLauncher so the image starts with org.springframework.boot.loader.launch.JarLauncher.
RUN java -Djarmode=tools -jar /build/app.jar extract --layers --launcher --destination /build/extracted

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
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp /app org.springframework.boot.loader.launch.JarLauncher \"$@\"", "--"]
CMD ["serve"]
