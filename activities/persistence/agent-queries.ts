/**
 * The versioned agent catalog and per-agent metrics. Versions are immutable rows; an edit appends version
 * n+1 and moves the agent's `current_version` in one transaction (row-locked, so concurrent edits serialize
 * and an edit based on a stale version is refused). Seeding from the repository file adds a version only
 * when the file's content changed since the last seeded version and nobody edited the agent since.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { ColumnType, Kysely } from 'kysely';
import type { AgentDefinition } from '../agents/catalog.js';
import { FailureType } from '../../domain/failure-types.js';
import type { Database } from './database.js';
import { toJson, toNumber } from './row-mappers.js';
import type { AgentMetricsRow, AgentRecord, AgentRunRecord, AgentVersionRecord, SeedCounts } from './store.js';

type Timestamp = ColumnType<Date | string, Date | string | undefined, Date | string>;

/** The catalog tables (kept beside their queries; `withTables` adds them to the store's schema). */
// A type alias, not an interface: `withTables` needs an index-signature-compatible record.
export type AgentTables = {
  agents: { id: string; team: string; current_version: number; enabled: ColumnType<boolean, boolean | undefined, boolean>; updated_at: Timestamp };
  agent_versions: {
    agent_id: string;
    version: number;
    definition: ColumnType<AgentDefinition, string, string>;
    content_hash: string;
    created_by: string;
    note: string | null;
    created_at: Timestamp;
  };
  agent_runs: {
    turn_id: string;
    agent_id: string;
    round: number;
    conversation_id: string;
    tenant_id: string;
    agent_version: number | null;
    outcome: string;
    latency_ms: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number;
    confidence: number | null;
    created_at: Timestamp;
  };
};

type CatalogDatabase = Kysely<Database & AgentTables>;

export const SEED_AUTHOR = 'seed';

/** Hash of a definition's JSON (key order as given): equal definitions hash equal. */
export function definitionHash(definition: AgentDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

const iso = (value: Date | string): string => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());

function catalog(db: Kysely<Database>): CatalogDatabase {
  return db.withTables<AgentTables>();
}

function currentAgents(db: CatalogDatabase) {
  return db
    .selectFrom('agents')
    .innerJoin('agent_versions', (join) => join.onRef('agent_versions.agent_id', '=', 'agents.id').onRef('agent_versions.version', '=', 'agents.current_version'))
    .select(['agents.id', 'agents.team', 'agents.enabled', 'agents.current_version as version', 'agent_versions.definition', 'agent_versions.created_by', 'agent_versions.created_at']);
}

type CurrentRow = { id: string; team: string; enabled: boolean; version: number; definition: AgentDefinition; created_by: string; created_at: Date | string };

function toAgentRecord(row: CurrentRow): AgentRecord {
  return { id: row.id, team: row.team, version: row.version, enabled: row.enabled, definition: row.definition, editedBy: row.created_by, updatedAt: iso(row.created_at) };
}

/** Loads the repository's catalog: new agents get version 1; a changed file adds a version unless an editor owns the agent. */
export async function seedAgents(db: Kysely<Database>, definitions: readonly AgentDefinition[]): Promise<SeedCounts> {
  const counts: SeedCounts = { inserted: 0, updated: 0, unchanged: 0, keptEdited: 0 };
  for (const definition of definitions) {
    const outcome = await catalog(db).transaction().execute(async (transaction) => {
      const existing = await transaction.selectFrom('agents').select(['current_version']).where('id', '=', definition.id).forUpdate().executeTakeFirst();
      const hash = definitionHash(definition);
      if (existing === undefined) {
        await transaction.insertInto('agents').values({ id: definition.id, team: definition.team, current_version: 1 }).execute();
        await insertVersion(transaction, definition, 1, hash, SEED_AUTHOR, 'seeded from the repository catalog');
        return 'inserted' as const;
      }
      const latest = await transaction.selectFrom('agent_versions').select(['content_hash', 'created_by']).where('agent_id', '=', definition.id).where('version', '=', existing.current_version).executeTakeFirstOrThrow();
      if (latest.content_hash === hash) return 'unchanged' as const;
      if (latest.created_by !== SEED_AUTHOR) return 'keptEdited' as const;
      await appendVersion(transaction, definition, existing.current_version + 1, hash, SEED_AUTHOR, 'repository catalog changed');
      return 'updated' as const;
    });
    counts[outcome] += 1;
  }
  return counts;
}

async function insertVersion(db: CatalogDatabase, definition: AgentDefinition, version: number, hash: string, author: string, note: string | null): Promise<void> {
  await db.insertInto('agent_versions').values({ agent_id: definition.id, version, definition: toJson(definition), content_hash: hash, created_by: author, note }).execute();
}

async function appendVersion(db: CatalogDatabase, definition: AgentDefinition, version: number, hash: string, author: string, note: string | null): Promise<void> {
  await insertVersion(db, definition, version, hash, author, note);
  await db.updateTable('agents').set({ current_version: version, team: definition.team, updated_at: sql`now()` }).where('id', '=', definition.id).execute();
}

export async function listAgents(db: Kysely<Database>): Promise<AgentRecord[]> {
  const rows = await currentAgents(catalog(db)).orderBy('agents.team').orderBy('agents.id').execute();
  return rows.map(toAgentRecord);
}

/** The agent at `version`, or at its current version when `version` is omitted. */
export async function getAgent(db: Kysely<Database>, id: string, version?: number): Promise<AgentRecord | null> {
  if (version === undefined) {
    const row = await currentAgents(catalog(db)).where('agents.id', '=', id).executeTakeFirst();
    return row === undefined ? null : toAgentRecord(row);
  }
  const row = await catalog(db)
    .selectFrom('agent_versions')
    .innerJoin('agents', 'agents.id', 'agent_versions.agent_id')
    .select(['agents.id', 'agents.team', 'agents.enabled', 'agent_versions.version', 'agent_versions.definition', 'agent_versions.created_by', 'agent_versions.created_at'])
    .where('agent_versions.agent_id', '=', id)
    .where('agent_versions.version', '=', version)
    .executeTakeFirst();
  return row === undefined ? null : toAgentRecord({ ...row, team: row.definition.team });
}

export async function listAgentVersions(db: Kysely<Database>, id: string): Promise<AgentVersionRecord[]> {
  const rows = await catalog(db).selectFrom('agent_versions').selectAll().where('agent_id', '=', id).orderBy('version', 'desc').execute();
  return rows.map((row) => ({ id: row.agent_id, version: row.version, definition: row.definition, editedBy: row.created_by, note: row.note, createdAt: iso(row.created_at) }));
}

/**
 * Appends a version made by an editor. With `expectedVersion`, refuses (non-retryable `Conflict`) when someone
 * else saved first. An unchanged definition returns the current record without a new version.
 */
export async function saveAgentVersion(
  db: Kysely<Database>,
  input: { definition: AgentDefinition; editedBy: string; note?: string; expectedVersion?: number },
): Promise<AgentRecord> {
  const { definition } = input;
  await catalog(db).transaction().execute(async (transaction) => {
    const existing = await transaction.selectFrom('agents').select(['current_version']).where('id', '=', definition.id).forUpdate().executeTakeFirst();
    if (existing === undefined) throw ApplicationFailure.nonRetryable(`Agent ${definition.id} not found`, FailureType.NotFound);
    if (input.expectedVersion !== undefined && input.expectedVersion !== existing.current_version) {
      throw ApplicationFailure.nonRetryable(`Agent ${definition.id} is at version ${existing.current_version}, not ${input.expectedVersion}`, FailureType.Conflict);
    }
    const hash = definitionHash(definition);
    const latest = await transaction.selectFrom('agent_versions').select(['content_hash']).where('agent_id', '=', definition.id).where('version', '=', existing.current_version).executeTakeFirstOrThrow();
    if (latest.content_hash === hash) return;
    await appendVersion(transaction, definition, existing.current_version + 1, hash, input.editedBy, input.note ?? null);
  });
  const saved = await getAgent(db, definition.id);
  if (saved === null) throw ApplicationFailure.nonRetryable(`Agent ${definition.id} not found`, FailureType.NotFound);
  return saved;
}

export async function setAgentEnabled(db: Kysely<Database>, id: string, enabled: boolean): Promise<boolean> {
  const result = await catalog(db).updateTable('agents').set({ enabled, updated_at: sql`now()` }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records agent runs; a retried write of the same (turn, agent, round) keeps the first row, except that a
 * recorded failure is replaced by the write of a later attempt (a retry that succeeded is not a failure).
 */
export async function recordAgentRuns(db: Kysely<Database>, runs: readonly AgentRunRecord[]): Promise<void> {
  if (runs.length === 0) return;
  await catalog(db)
    .insertInto('agent_runs')
    .values(
      runs.map((run) => ({
        turn_id: run.turnId,
        agent_id: run.agentId,
        round: run.round,
        conversation_id: run.conversationId,
        tenant_id: run.tenantId,
        agent_version: run.agentVersion,
        outcome: run.outcome,
        latency_ms: run.latencyMs,
        input_tokens: run.inputTokens,
        output_tokens: run.outputTokens,
        cost_usd: run.costUsd,
        confidence: run.confidence,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['turn_id', 'agent_id', 'round'])
        .doUpdateSet((update) => ({
          outcome: update.ref('excluded.outcome'),
          agent_version: update.ref('excluded.agent_version'),
          latency_ms: update.ref('excluded.latency_ms'),
          input_tokens: update.ref('excluded.input_tokens'),
          output_tokens: update.ref('excluded.output_tokens'),
          cost_usd: update.ref('excluded.cost_usd'),
          confidence: update.ref('excluded.confidence'),
        }))
        .where('agent_runs.outcome', '=', 'failed'),
    )
    .execute();
}

/** Per-agent totals since a time: invocations, failures, latency, tokens, cost, confidence and human overrides. */
export async function agentMetrics(db: Kysely<Database>, input: { since: string; tenantId?: string }): Promise<AgentMetricsRow[]> {
  let query = catalog(db)
    .selectFrom('agent_runs')
    .leftJoin('escalations', 'escalations.turn_id', 'agent_runs.turn_id')
    .where('agent_runs.created_at', '>=', input.since)
    .where('agent_runs.round', '=', 1);
  if (input.tenantId !== undefined) query = query.where('agent_runs.tenant_id', '=', input.tenantId);
  const rows = await query
    .select((builder) => [
      'agent_runs.agent_id',
      builder.fn.countAll<string>().as('invocations'),
      sql<string>`count(*) filter (where agent_runs.outcome <> 'ok')`.as('failures'),
      sql<number>`avg(agent_runs.latency_ms)`.as('average_latency_ms'),
      sql<number>`percentile_cont(0.95) within group (order by agent_runs.latency_ms)`.as('p95_latency_ms'),
      sql<string>`sum(agent_runs.input_tokens + agent_runs.output_tokens)`.as('tokens'),
      sql<number>`sum(agent_runs.cost_usd)`.as('cost_usd'),
      sql<number | null>`avg(agent_runs.confidence)`.as('average_confidence'),
      sql<string>`count(*) filter (where escalations.status in ('edited', 'rejected'))`.as('human_overrides'),
    ])
    .groupBy('agent_runs.agent_id')
    .orderBy('agent_runs.agent_id')
    .execute();
  return rows.map((row) => ({
    agentId: row.agent_id,
    invocations: toNumber(row.invocations),
    failures: toNumber(row.failures),
    averageLatencyMs: toNumber(row.average_latency_ms),
    p95LatencyMs: toNumber(row.p95_latency_ms),
    tokens: toNumber(row.tokens),
    costUsd: toNumber(row.cost_usd),
    averageConfidence: row.average_confidence === null ? null : toNumber(row.average_confidence),
    humanOverrides: toNumber(row.human_overrides),
  }));
}
