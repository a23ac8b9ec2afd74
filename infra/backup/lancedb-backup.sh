#!/usr/bin/env bash
# Backs up the embedded vector store (LanceDB, `npm start` mode) as a tarball of its directory.
#
#   infra/backup/lancedb-backup.sh [LANCEDB_DIRECTORY]      (default: $AGENTCRAFT_DATA_DIR/lancedb, ./data/lancedb)
#
# Stop AgentCraft first: a copy taken while a table is being written can hold a half-written version.
# Prints the tarball's path (BACKUP_DIR/lancedb-<UTC stamp>.tar.gz, with a .sha256 beside it).
set -euo pipefail

source_directory="${1:-${AGENTCRAFT_DATA_DIR:-./data}/lancedb}"
[ -d "$source_directory" ] || { echo "lancedb-backup: no directory $source_directory" >&2; exit 1; }
directory="${BACKUP_DIR:-./backups}"
mkdir -p "$directory"
archive="$directory/lancedb-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
tar -C "$source_directory" -czf "$archive.partial" .
mv "$archive.partial" "$archive"
(cd "$directory" && sha256sum "$(basename "$archive")" > "$(basename "$archive").sha256")
printf '%s\n' "$archive"
