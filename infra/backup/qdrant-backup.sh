#!/usr/bin/env bash
# Snapshots every Qdrant collection through the snapshot API and downloads the snapshots.
#
#   QDRANT_URL=http://localhost:6333 QDRANT_API_KEY=... infra/backup/qdrant-backup.sh
#
# Writes BACKUP_DIR/qdrant-<UTC stamp>/<collection>.snapshot (+ .sha256) and prints that directory. Each
# snapshot is deleted from the server once downloaded, so backups do not fill Qdrant's disk. In a cluster,
# a collection snapshot is per node: run this against every node (or use the Qdrant Helm chart's
# snapshot volume and your volume snapshots). Needs curl and jq.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
die() { log "qdrant-backup: $*"; exit 1; }

url="${QDRANT_URL:?set QDRANT_URL, e.g. http://localhost:6333}"
url="${url%/}"
headers=(-H "api-key: ${QDRANT_API_KEY:-}")
command -v jq >/dev/null || die "jq not found"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
directory="${BACKUP_DIR:-./backups}/qdrant-$stamp"
mkdir -p "$directory"

collections=$(curl -fsS "${headers[@]}" "$url/collections" | jq -r '.result.collections[].name')
[ -n "$collections" ] || log "no collections at $url"
for collection in $collections; do
  log "snapshotting $collection"
  name=$(curl -fsS -X POST "${headers[@]}" "$url/collections/$collection/snapshots?wait=true" | jq -r '.result.name')
  [ -n "$name" ] && [ "$name" != null ] || die "no snapshot name for $collection"
  curl -fsS "${headers[@]}" -o "$directory/$collection.snapshot.partial" "$url/collections/$collection/snapshots/$name"
  mv "$directory/$collection.snapshot.partial" "$directory/$collection.snapshot"
  (cd "$directory" && sha256sum "$collection.snapshot" > "$collection.snapshot.sha256")
  curl -fsS -X DELETE "${headers[@]}" "$url/collections/$collection/snapshots/$name?wait=true" >/dev/null
done
printf '%s\n' "$directory"
