#!/usr/bin/env bash
# Restores a dump made by postgres-backup.sh into an EMPTY database (create it first: `createdb ...`).
#
#   infra/backup/postgres-restore.sh backups/agentcraft-20260101T000000Z.dump postgres://user@host:5432/agentcraft_restored
#
# The target URL is the second argument or RESTORE_DATABASE_URL. The checksum beside the dump is verified
# when present. Everything is restored in one transaction (all or nothing), without the original owners
# and grants, so any role that owns the target database can restore. A target that already has tables is
# refused: pass --clean as third argument to drop and replace the objects the dump contains instead.
# After restoring the app database, start the API or a worker: migrations bring an older dump's schema up.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
die() { log "postgres-restore: $*"; exit 1; }

dump="${1:-}"
url="${2:-${RESTORE_DATABASE_URL:-}}"
mode="${3:-}"
[ -f "$dump" ] || die "usage: postgres-restore.sh DUMP_FILE [TARGET_DATABASE_URL] [--clean]"
[ -n "$url" ] || die "no target: pass a URL or set RESTORE_DATABASE_URL"
case "$mode" in ""|--clean) ;; *) die "unknown option $mode" ;; esac

if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256") || die "checksum mismatch: $dump is damaged"
fi
pg_restore --list "$dump" >/dev/null || die "$dump is not a pg_dump custom-format archive"

existing=$(psql --dbname="$url" --no-psqlrc --tuples-only --no-align --command="
  select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'S')
    and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'") || die "cannot connect to the target"
options=(--dbname="$url" --no-owner --no-privileges --exit-on-error --single-transaction)
if [ "$existing" -gt 0 ]; then
  [ "$mode" = --clean ] || die "the target database has $existing tables/sequences: restore into an empty database, or pass --clean"
  options+=(--clean --if-exists)
fi

log "restoring $dump"
pg_restore "${options[@]}" "$dump"
tables=$(psql --dbname="$url" --no-psqlrc --tuples-only --no-align --command="
  select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")
log "restored: $tables tables"
