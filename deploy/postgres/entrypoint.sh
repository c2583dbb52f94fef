#!/bin/sh
# pg_auto_failover node of docker-compose.yml. PGAF_ROLE=monitor: the monitor. PGAF_ROLE=node: a data
# node registered with PGAF_MONITOR under PGAF_NAME; the first one to register becomes the primary, the
# next a synchronous standby (replication quorum: a commit is acknowledged once the standby has it).
# Created once (the pg_autoctl configuration lives in the volume), then `pg_autoctl run`, which starts,
# supervises and, on the monitor's orders, promotes or demotes PostgreSQL.
set -eu
: "${PGAF_ROLE:?PGAF_ROLE must be monitor or node}"
: "${PGAF_HOSTNAME:?PGAF_HOSTNAME must be the name other containers reach this one by}"
config="$HOME/.config/pg_autoctl$PGDATA/pg_autoctl.cfg"
if [ ! -f "$config" ] || [ ! -f "$PGDATA/PG_VERSION" ]; then
  case "$PGAF_ROLE" in
    monitor)
      pg_autoctl create monitor --pgdata "$PGDATA" --pgport 5432 --hostname "$PGAF_HOSTNAME" \
        --auth "${PGAF_AUTH:-trust}" --no-ssl
      ;;
    node)
      : "${PGAF_MONITOR:?PGAF_MONITOR must be the monitor URI}"
      pg_autoctl create postgres --pgdata "$PGDATA" --pgport 5432 --hostname "$PGAF_HOSTNAME" \
        --name "${PGAF_NAME:-$PGAF_HOSTNAME}" --monitor "$PGAF_MONITOR" --dbname "${PGAF_DBNAME:-banking}" \
        --auth "${PGAF_AUTH:-trust}" --no-ssl --pg-hba-lan --replication-quorum true --candidate-priority 50
      ;;
    *)
      echo "PGAF_ROLE must be monitor or node, not $PGAF_ROLE" >&2
      exit 2
      ;;
  esac
fi
exec pg_autoctl run --pgdata "$PGDATA"
