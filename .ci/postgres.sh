#!/usr/bin/env bash
# Start a local PostgreSQL server (Debian's) for the storage tests and print its URL.
# Installs the server when it is missing; listens on 127.0.0.1 only.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 \
    || { echo "postgres.sh: could not install postgresql" >&2; exit 1; }
fi
ver=$(ls /etc/postgresql | sort -n | tail -n1)
if [ -z "$ver" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -n1)
  pg_createcluster "$ver" main >&2
fi
# pg_ctlcluster talks on stdout ("Removed stale pid file."): only the URL may go there.
pg_ctlcluster "$ver" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='vanban'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role vanban login createdb password 'vanban'\"" >/dev/null
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='vanban'\"" | grep -q 1 \
  || su postgres -c "createdb -O vanban vanban" >/dev/null
port=$(pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
echo "postgresql+psycopg://vanban:vanban@127.0.0.1:${port:-5432}/vanban"
