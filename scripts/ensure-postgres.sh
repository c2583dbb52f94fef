#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth for user postgres, for the
# end-to-end checks: uses the running one, starts an installed cluster, or installs Debian's package.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
# trust login over TCP, without a password prompt (-w): what the checks rely on
trusted() { psql -h 127.0.0.1 -p 5432 -U postgres -w -Atc 'select 1' postgres >/dev/null 2>&1; }

if command -v pg_isready >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 && ready && trusted; then
  exit 0
fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "ensure-postgres: installing PostgreSQL from Debian's archive"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
conf=/etc/postgresql/$version/main
if ! grep -q "^host all all 127.0.0.1/32 trust" "$conf/pg_hba.conf"; then
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main reload
for _ in $(seq 1 30); do
  ready && trusted && exit 0
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not become ready with trust login for postgres on 127.0.0.1:5432" >&2
exit 1
