#!/usr/bin/env bash
# Restores the collections of a qdrant-backup.sh directory by uploading each snapshot (the collection is
# created, or replaced, from the snapshot's data).
#
#   QDRANT_URL=http://localhost:6333 QDRANT_API_KEY=... infra/backup/qdrant-restore.sh backups/qdrant-20260101T000000Z
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
die() { log "qdrant-restore: $*"; exit 1; }

directory="${1:-}"
[ -d "$directory" ] || die "usage: qdrant-restore.sh BACKUP_DIRECTORY"
url="${QDRANT_URL:?set QDRANT_URL}"
url="${url%/}"
shopt -s nullglob
snapshots=("$directory"/*.snapshot)
[ "${#snapshots[@]}" -gt 0 ] || die "no *.snapshot files in $directory"
for snapshot in "${snapshots[@]}"; do
  collection=$(basename "$snapshot" .snapshot)
  if [ -f "$snapshot.sha256" ]; then
    (cd "$directory" && sha256sum --check --quiet "$collection.snapshot.sha256") || die "checksum mismatch: $snapshot"
  fi
  log "restoring $collection"
  curl -fsS -X POST -H "api-key: ${QDRANT_API_KEY:-}" -F "snapshot=@$snapshot" \
    "$url/collections/$collection/snapshots/upload?priority=snapshot&wait=true" >/dev/null
done
log "restored ${#snapshots[@]} collections"
