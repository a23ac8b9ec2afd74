/**
 * An owner file that keeps two processes from opening the same PGlite data directory. PGlite is a
 * single-process database and does not guard its directory itself: a second process would open it happily
 * and corrupt it. This mirrors PostgreSQL's own `postmaster.pid`: the file holds the owner's pid, and a
 * file whose process is gone (or is this process, which does not hold it) is stale and taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE_NAME = 'agentcraft-owner.pid';

/** Directories this process holds, so a second `createDatabase` on the same directory fails as well. */
const heldDirectories = new Set<string>();

/** Thrown when another live process (or another database in this process) already owns the directory. */
export class PGliteDirectoryInUseError extends Error {
  constructor(directory: string, ownerPid: number) {
    super(`PGlite data directory ${directory} is already in use by process ${ownerPid}; PGlite allows one process per directory`);
    this.name = 'PGliteDirectoryInUseError';
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwnerPid(lockFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function tryCreateLockFile(lockFile: string): boolean {
  try {
    writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes ownership of `directory` (created if missing) for this process.
 * @returns a function that gives the directory up again (idempotent).
 * @throws PGliteDirectoryInUseError when a live owner holds it.
 */
export function lockPGliteDirectory(directory: string): () => void {
  const resolved = path.resolve(directory);
  const lockFile = path.join(resolved, LOCK_FILE_NAME);
  if (heldDirectories.has(resolved)) throw new PGliteDirectoryInUseError(resolved, process.pid);
  mkdirSync(resolved, { recursive: true });
  for (let attempt = 0; !tryCreateLockFile(lockFile); attempt += 1) {
    const ownerPid = readOwnerPid(lockFile);
    const stale = ownerPid === null || ownerPid === process.pid || !isProcessAlive(ownerPid);
    if (!stale || attempt >= 3) throw new PGliteDirectoryInUseError(resolved, ownerPid ?? 0);
    rmSync(lockFile, { force: true });
  }
  heldDirectories.add(resolved);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldDirectories.delete(resolved);
    if (readOwnerPid(lockFile) === process.pid) rmSync(lockFile, { force: true });
  };
}
