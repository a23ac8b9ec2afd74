#!/usr/bin/env bash
# Backs up Temporal's persistence: the `temporal` (histories, mutable state, task queues, namespaces) and
# `temporal_visibility` (list/search) databases, with postgres-backup.sh.
#
#   TEMPORAL_POSTGRES_URL=postgres://temporal@temporal-db:5432 infra/backup/temporal-backup.sh
#
# TEMPORAL_POSTGRES_URL is the server URL without a database name. For a consistent pair, stop the Temporal
# services first (compose: `docker compose stop temporal`; Kubernetes: scale frontend/history/matching/worker
# to 0) or use your platform's point-in-time recovery instead. Read infra/README.md ("Temporal persistence")
# before restoring one: restoring history rolls every workflow back to the backup's moment.
set -euo pipefail

server="${TEMPORAL_POSTGRES_URL:-${1:-}}"
[ -n "$server" ] || { echo "temporal-backup: set TEMPORAL_POSTGRES_URL (postgres://user@host:5432)" >&2; exit 1; }
here="$(cd "$(dirname "$0")" && pwd)"
base="${server%/}"
query=""
case "$base" in *\?*) query="?${base#*\?}"; base="${base%%\?*}" ;; esac
for database in temporal temporal_visibility; do
  BACKUP_PREFIX="temporal-$database" "$here/postgres-backup.sh" "$base/$database$query"
done
