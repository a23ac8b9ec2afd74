/**
 * The PostgreSQL backup scripts, end to end on the local server: a database migrated with the app's
 * migrations and written through the app's store is dumped by `postgres-backup.sh`, restored by
 * `postgres-restore.sh` into a new empty database, and every conversation reads back identical.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../activities/persistence/database.js';
import { KyselyStore } from '../../activities/persistence/kysely-store.js';
import { migrateToLatest } from '../../activities/persistence/migrations/index.js';
import { createLogger } from '../../domain/logger.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres.js';

const run = promisify(execFile);
const logger = createLogger({ level: 'silent' });
const script = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));
const CONVERSATIONS = 6;

/** Runs a backup script with bash; rejects (with stderr in the error) on a non-zero exit. */
function bash(name: string, args: string[], environment: Record<string, string> = {}) {
  return run('bash', [script(name), ...args], { env: { ...process.env, ...environment }, timeout: 60_000 });
}

/** The exit code and stderr of a script run that must fail. */
async function failureOf(running: Promise<unknown>): Promise<{ code: unknown; stderr: string }> {
  try {
    await running;
  } catch (error) {
    return error as { code: unknown; stderr: string };
  }
  throw new Error('expected the script to fail, and it succeeded');
}

/** Writes one conversation the way a turn does: conversation, turn, both messages, stage timings, trace. */
async function writeConversation(store: KyselyStore, index: number): Promise<string> {
  const conversationId = `backup-${index}-${Date.now().toString(36)}`;
  const turnId = `${conversationId}.1`;
  await store.ensureConversation({ id: conversationId, tenantId: 'default', customerId: `customer-${index}`, metadata: { channel: 'web', index } });
  await store.startTurn({ id: turnId, conversationId, turnNumber: 1, workflowId: `conversation-${conversationId}-turn-1` });
  await store.saveMessage({ id: `${turnId}:user`, conversationId, turnId, role: 'user', content: `How do I rotate API key #${index}?`, citations: [], confidence: null });
  await store.recordStage(turnId, { stage: 'route', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:00.120Z', durationMs: 120, status: 'ok' });
  await store.saveMessage({
    id: `${turnId}:assistant`,
    conversationId,
    turnId,
    role: 'assistant',
    content: `Open Settings → API keys and choose Rotate [1]. (${index})`,
    citations: [{ index: 1, passageId: `passage-${index}`, source: 'knowledge', documentId: 'api-keys', title: 'API keys', url: null, snippet: 'Choose Rotate' }],
    confidence: 0.8,
  });
  await store.updateTurn(turnId, { status: 'completed', agents: ['integration-specialist'], confidence: 0.8, costUsd: 0.0012 * index, finishedAt: '2026-01-01T00:00:01.000Z' });
  if (index % 2 === 0) await store.setConversationStatus(conversationId, 'closed');
  return conversationId;
}

describe('PostgreSQL backup and restore (infra/backup)', () => {
  let source: TestDatabase;
  const targets: TestDatabase[] = [];
  let directory: string;
  let dumpPath: string;
  const originals = new Map<string, unknown>();

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-backup-'));
    source = await createTestDatabase();
    const db = createDatabase({ databaseUrl: source.url, logger });
    const store = new KyselyStore(db, { logger });
    try {
      expect((await migrateToLatest(db, logger)).length).toBeGreaterThan(0);
      for (let index = 1; index <= CONVERSATIONS; index += 1) {
        const id = await writeConversation(store, index);
        originals.set(id, await store.getConversation(id));
      }
    } finally {
      await store.close();
    }
    const { stdout } = await bash('postgres-backup.sh', [], { DATABASE_URL: source.url, BACKUP_DIR: directory, BACKUP_KEEP: '0' });
    dumpPath = stdout.trim().split('\n').at(-1) ?? '';
  });

  afterAll(async () => {
    await Promise.all([source?.drop(), ...targets.map((target) => target.drop())]);
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  async function emptyTarget(): Promise<TestDatabase> {
    const target = await createTestDatabase();
    targets.push(target);
    return target;
  }

  it('writes a complete, checksummed custom-format dump named after the database', async () => {
    expect(path.dirname(dumpPath)).toBe(directory);
    expect(path.basename(dumpPath)).toMatch(new RegExp(`^${source.name}-\\d{8}T\\d{6}Z\\.dump$`));
    expect((await readFile(dumpPath)).subarray(0, 5).toString()).toBe('PGDMP');
    expect(await readFile(`${dumpPath}.sha256`, 'utf8')).toMatch(new RegExp(`^[0-9a-f]{64}  ${path.basename(dumpPath)}\\n$`));
    expect(existsSync(`${dumpPath}.partial`)).toBe(false);
  });

  it('restores into an empty database, where every conversation reads back identical', async () => {
    const target = await emptyTarget();
    await bash('postgres-restore.sh', [dumpPath, target.url]);

    const db = createDatabase({ databaseUrl: target.url, logger });
    const store = new KyselyStore(db, { logger });
    try {
      // The migration history came along: the restored schema is current, nothing left to run.
      expect(await migrateToLatest(db, logger)).toEqual([]);
      const { rows } = await sql<{ count: string }>`select count(*) as count from conversations`.execute(db);
      expect(Number(rows[0]?.count)).toBe(CONVERSATIONS);
      for (const [id, original] of originals) {
        expect(await store.getConversation(id)).toEqual(original);
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a target that already has tables, leaving it untouched', async () => {
    const failure = await failureOf(bash('postgres-restore.sh', [dumpPath, source.url]));
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('restore into an empty database');
    const db = createDatabase({ databaseUrl: source.url, logger });
    try {
      const { rows } = await sql<{ count: string }>`select count(*) as count from conversations`.execute(db);
      expect(Number(rows[0]?.count)).toBe(CONVERSATIONS);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a damaged dump before touching the target', async () => {
    const damaged = path.join(directory, path.basename(dumpPath).replace('.dump', '-damaged.dump'));
    const bytes = await readFile(dumpPath);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(damaged, bytes);
    const checksum = (await readFile(`${dumpPath}.sha256`, 'utf8')).replace(path.basename(dumpPath), path.basename(damaged));
    await writeFile(`${damaged}.sha256`, checksum);

    const target = await emptyTarget();
    const failure = await failureOf(bash('postgres-restore.sh', [damaged, target.url]));
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('checksum mismatch');
    const db = createDatabase({ databaseUrl: target.url, logger });
    try {
      const { rows } = await sql<{ count: string }>`select count(*) as count from pg_tables where schemaname = 'public'`.execute(db);
      expect(Number(rows[0]?.count)).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it('refuses to run without a database URL', async () => {
    const environment = { ...process.env };
    delete environment.DATABASE_URL;
    const failure = await failureOf(run('bash', [script('postgres-backup.sh')], { env: environment }));
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('no database');
  });
});
