#!/usr/bin/env bash
# Restores a lancedb-backup.sh tarball into an empty (or new) directory. Stop AgentCraft first.
#
#   infra/backup/lancedb-restore.sh backups/lancedb-20260101T000000Z.tar.gz [LANCEDB_DIRECTORY]
set -euo pipefail

archive="${1:-}"
target="${2:-${AGENTCRAFT_DATA_DIR:-./data}/lancedb}"
[ -f "$archive" ] || { echo "usage: lancedb-restore.sh ARCHIVE [DIRECTORY]" >&2; exit 1; }
if [ -f "$archive.sha256" ]; then
  (cd "$(dirname "$archive")" && sha256sum --check --quiet "$(basename "$archive").sha256")
fi
if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then
  echo "lancedb-restore: $target is not empty: move it away first" >&2
  exit 1
fi
mkdir -p "$target"
tar -C "$target" -xzf "$archive"
echo "restored into $target" >&2
