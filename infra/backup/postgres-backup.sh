#!/usr/bin/env bash
# Backs up one PostgreSQL database with pg_dump's custom format (compressed, restorable table by table,
# parallel-restorable). Used for the app database and, through temporal-backup.sh, for Temporal's.
#
#   DATABASE_URL=postgres://user@host:5432/agentcraft infra/backup/postgres-backup.sh [DATABASE_URL]
#
# Environment: DATABASE_URL (or the first argument), BACKUP_DIR (default ./backups), BACKUP_PREFIX (default
# the database name), BACKUP_KEEP (keep the newest N dumps of this prefix; default 14, 0 keeps all).
# Prints the dump's path on stdout; progress goes to stderr. The dump is written under a temporary name,
# checked with `pg_restore --list`, given a .sha256 beside it, and only then renamed: a file named *.dump
# is always complete. pg_dump must be at least the server's major version.
# Passwords: prefer ~/.pgpass or PGPASSWORD with a password-less URL (a URL argument shows in `ps`).
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
die() { log "postgres-backup: $*"; exit 1; }

url="${1:-${DATABASE_URL:-}}"
[ -n "$url" ] || die "no database: pass a URL or set DATABASE_URL"
command -v pg_dump >/dev/null || die "pg_dump not found (Debian/Ubuntu: apt-get install postgresql-client-<server major>)"

read -r database server_version_num < <(psql --dbname="$url" --no-psqlrc --tuples-only --no-align --field-separator=' ' \
  --command="select current_database(), current_setting('server_version_num')") || die "cannot connect"
server_major=$((server_version_num / 10000))
client_major=$(pg_dump --version | sed -nE 's/^pg_dump \(PostgreSQL\) ([0-9]+).*/\1/p')
if [ "$client_major" -lt "$server_major" ]; then
  die "pg_dump $client_major cannot dump a PostgreSQL $server_major server: install postgresql-client-$server_major"
fi

directory="${BACKUP_DIR:-./backups}"
prefix="${BACKUP_PREFIX:-$database}"
keep="${BACKUP_KEEP:-14}"
mkdir -p "$directory"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$directory/$prefix-$stamp.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT

log "dumping $database (PostgreSQL $server_major) to $final"
pg_dump --dbname="$url" --format=custom --compress=6 --file="$partial"
pg_restore --list "$partial" >/dev/null || die "the dump does not read back"
(cd "$directory" && sha256sum "$(basename "$partial")" | sed 's/\.partial$//' > "$(basename "$final").sha256")
mv "$partial" "$final"
trap - EXIT

if [ "$keep" -gt 0 ]; then
  # Names sort by time (UTC stamp): drop all but the newest $keep of this prefix.
  find "$directory" -maxdepth 1 -name "$prefix-*.dump" | sort | head -n "-$keep" | while read -r old; do
    log "removing old backup $old"
    rm -f "$old" "$old.sha256"
  done
fi
log "done: $(du -h "$final" | cut -f1)"
printf '%s\n' "$final"
