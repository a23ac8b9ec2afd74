/**
 * Schema migrations, compiled into the code (no directory scanning, so bundles and `dist/` work alike).
 * Add a migration as a new module named `NNNN-what-it-does.ts` and list it below; names sort in run order.
 */
import { Migrator } from 'kysely/migration';
import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { Logger } from '../../../domain/logger.js';
import * as initialSchema from './0001-initial-schema.js';
import * as agentCatalog from './0002-agent-catalog.js';
import * as modelUsage from './0003-model-usage.js';
import * as reviewAndAudit from './0004-review-and-audit.js';
import * as routingModels from './0005-routing-models.js';
import * as knowledgeScopes from './0006-knowledge-scopes.js';
import * as knowledgeSources from './0007-knowledge-sources.js';
import * as auth from './0008-auth.js';
import * as webhooks from './0009-webhooks.js';
import * as knowledgeTermStats from './0010-knowledge-term-stats.js';

/** Every migration by name, oldest first. */
export const migrations: Record<string, Migration> = {
  '0001-initial-schema': initialSchema,
  '0002-agent-catalog': agentCatalog,
  '0003-model-usage': modelUsage,
  '0004-review-and-audit': reviewAndAudit,
  '0005-routing-models': routingModels,
  '0006-knowledge-scopes': knowledgeScopes,
  '0007-knowledge-sources': knowledgeSources,
  '0008-auth': auth,
  '0009-webhooks': webhooks,
  '0010-knowledge-term-stats': knowledgeTermStats,
};

/** Hands kysely's `Migrator` the statically imported migrations. */
export const staticMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

/**
 * Brings the schema up to date. Safe to run from several processes at once: on PostgreSQL the migrator holds
 * an advisory lock and runs each batch in a transaction; PGlite has a single connection that the migrator
 * holds for the whole run. Throws when a migration fails (nothing of the failed batch is kept).
 */
export async function migrateToLatest<DatabaseShape>(db: Kysely<DatabaseShape>, logger?: Logger): Promise<string[]> {
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (failed !== undefined) {
    logger?.error({ err: error, migration: failed.migrationName }, 'database migration failed');
    throw new Error(`Database migration ${failed.migrationName} failed`, { cause: error });
  }
  // Not a migration's fault (no connection, directory in use, corrupted migration table): pass it on as is.
  if (error !== undefined) throw error instanceof Error ? error : new Error('Database migration setup failed', { cause: error });
  const executed = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
  if (executed.length > 0) logger?.info({ migrations: executed }, 'database migrated');
  return executed;
}
