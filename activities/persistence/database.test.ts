import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres.js';
import { createDatabase } from './database.js';
import { migrateToLatest, migrations } from './migrations/index.js';

describe('createDatabase', () => {
  let postgres: TestDatabase;

  beforeAll(async () => {
    postgres = await createTestDatabase();
  });

  afterAll(async () => {
    await postgres?.drop();
  });

  it('uses PostgreSQL when a URL is given, even with a PGlite directory', async () => {
    const db = createDatabase({ databaseUrl: postgres.url, pgliteDirectory: '/nonexistent/never-created', logger: createLogger({ level: 'silent' }) });
    try {
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
      expect(rows).toEqual([{ name: postgres.name }]);
    } finally {
      await db.destroy();
    }
  });

  it('falls back to an in-memory PGlite that starts empty every time', async () => {
    for (let round = 0; round < 2; round += 1) {
      const db = createDatabase({});
      try {
        expect(await migrateToLatest(db)).toEqual(Object.keys(migrations));
        const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
        expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
      } finally {
        await db.destroy();
      }
    }
  });
});
