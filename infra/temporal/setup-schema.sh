#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version of the admin-tools
# image (= the server version). Idempotent: `create` and `setup-schema -v 0.0` leave existing databases
# alone and `update-schema` only applies missing versions, so this also migrates on a server upgrade.
# Runs in temporalio/admin-tools with SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD set.
set -eu

schema_root=/etc/temporal/schema/postgresql/v12
until nc -z "$SQL_HOST" "${SQL_PORT:-5432}"; do
  echo "waiting for PostgreSQL at $SQL_HOST:${SQL_PORT:-5432}"
  sleep 1
done

for database in temporal temporal_visibility; do
  case "$database" in
    temporal) versioned="$schema_root/temporal/versioned" ;;
    *) versioned="$schema_root/visibility/versioned" ;;
  esac
  echo "== $database"
  temporal-sql-tool --db "$database" create || echo "database $database exists"
  temporal-sql-tool --db "$database" setup-schema -v 0.0
  temporal-sql-tool --db "$database" update-schema -d "$versioned"
done
echo "Temporal schema is up to date"
