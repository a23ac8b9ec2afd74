import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockPGliteDirectory, PGliteDirectoryInUseError } from './pglite-directory-lock.js';

describe('lockPGliteDirectory', () => {
  let root: string;
  let directory: string;
  const ownerFile = () => path.join(directory, 'agentcraft-owner.pid');

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'agentcraft-lock-'));
    directory = path.join(root, 'db');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the directory, records this process and gives it up on release', () => {
    const release = lockPGliteDirectory(directory);
    expect(readFileSync(ownerFile(), 'utf8')).toBe(`${process.pid}\n`);
    release();
    release();
    expect(existsSync(ownerFile())).toBe(false);
    lockPGliteDirectory(directory)();
  });

  it('refuses a second owner in the same process', () => {
    const release = lockPGliteDirectory(directory);
    expect(() => lockPGliteDirectory(path.join(directory, '.'))).toThrow(PGliteDirectoryInUseError);
    release();
  });

  it('refuses a directory owned by another live process', () => {
    lockPGliteDirectory(directory)();
    writeFileSync(ownerFile(), `${process.ppid}\n`);
    expect(() => lockPGliteDirectory(directory)).toThrow(`already in use by process ${process.ppid}`);
    expect(readFileSync(ownerFile(), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over an owner file left by a process that is gone, or an unreadable one', () => {
    const finished = spawnSync(process.execPath, ['-e', '']);
    expect(finished.status).toBe(0);
    for (const leftover of [`${finished.pid}\n`, 'garbage']) {
      lockPGliteDirectory(directory)();
      writeFileSync(ownerFile(), leftover);
      const release = lockPGliteDirectory(directory);
      expect(readFileSync(ownerFile(), 'utf8')).toBe(`${process.pid}\n`);
      release();
    }
  });
});
