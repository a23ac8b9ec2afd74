/**
 * Stored routing models (table `routing_models`, migration 0005) and the reviewer-confirmed turns they are
 * trained on. A model is keyed by tenant and content-hash version, so saving the same training result twice
 * is a no-op (activity retries, a retrain with nothing new); at most one model per tenant is current.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ColumnType, Kysely } from 'kysely';
import { FailureType } from '../../domain/failure-types.js';
import type { Database } from '../persistence/database.js';
import type { SerializedRouter } from './classifier.js';
import type { ConfirmedTurn } from './training-data.js';

type Timestamp = ColumnType<Date | string, Date | string | undefined, Date | string>;

/** The routing-model table (kept beside its queries; `withTables` adds it to the store's schema). */
// A type alias, not an interface: `withTables` needs an index-signature-compatible record.
export type RoutingModelTables = {
  routing_models: {
    tenant_id: string;
    version: string;
    trained_at: Timestamp;
    example_count: number;
    confirmed_count: number;
    model: ColumnType<SerializedRouter, string, string>;
    is_current: ColumnType<boolean, boolean | undefined, boolean>;
    created_at: Timestamp;
  };
};

/** A routing model as stored for a tenant. */
export interface StoredRoutingModel {
  tenantId: string;
  version: string;
  trainedAt: string;
  /** Labelled examples it was trained on, of which `confirmedCount` came from reviewer-confirmed turns. */
  exampleCount: number;
  confirmedCount: number;
  model: SerializedRouter;
  isCurrent: boolean;
}

/** What {@link saveRoutingModel} stores. */
export interface NewRoutingModel {
  tenantId: string;
  model: SerializedRouter;
  exampleCount: number;
  confirmedCount: number;
}

/** Escalation statuses in which a reviewer accepted the routed agents (approved as is, or edited the answer). */
export const CONFIRMING_STATUSES = ['approved', 'edited'] as const;

const iso = (value: Date | string): string => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());

function models(db: Kysely<Database>) {
  return db.withTables<RoutingModelTables>();
}

/** Stores a model version; `false` when this tenant already had that version (nothing written). */
export async function saveRoutingModel(db: Kysely<Database>, input: NewRoutingModel): Promise<boolean> {
  const inserted = await models(db)
    .insertInto('routing_models')
    .values({
      tenant_id: input.tenantId,
      version: input.model.version,
      trained_at: input.model.trainedAt,
      example_count: input.exampleCount,
      confirmed_count: input.confirmedCount,
      model: JSON.stringify(input.model),
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'version']).doNothing())
    .returning('version')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Makes a stored version the tenant's current model (and no other); a missing version is a non-retryable `NotFound`. */
export async function markRoutingModelCurrent(db: Kysely<Database>, input: { tenantId: string; version: string }): Promise<void> {
  await models(db)
    .transaction()
    .execute(async (transaction) => {
      const target = await transaction.selectFrom('routing_models').select('is_current').where('tenant_id', '=', input.tenantId).where('version', '=', input.version).forUpdate().executeTakeFirst();
      if (target === undefined) throw ApplicationFailure.nonRetryable(`Routing model ${input.version} of tenant ${input.tenantId} not found`, FailureType.NotFound);
      if (target.is_current) return;
      await transaction.updateTable('routing_models').set({ is_current: false }).where('tenant_id', '=', input.tenantId).where('is_current', '=', true).execute();
      await transaction.updateTable('routing_models').set({ is_current: true }).where('tenant_id', '=', input.tenantId).where('version', '=', input.version).execute();
    });
}

/** The tenant's current model, or `null` when none was trained and stored for it yet. */
export async function loadCurrentRoutingModel(db: Kysely<Database>, tenantId: string): Promise<StoredRoutingModel | null> {
  const row = await models(db).selectFrom('routing_models').selectAll().where('tenant_id', '=', tenantId).where('is_current', '=', true).executeTakeFirst();
  if (row === undefined) return null;
  return {
    tenantId: row.tenant_id,
    version: row.version,
    trainedAt: iso(row.trained_at),
    exampleCount: row.example_count,
    confirmedCount: row.confirmed_count,
    model: row.model,
    isCurrent: row.is_current,
  };
}

/** Only the version of the tenant's current model (a cheap check before loading a multi-megabyte model). */
export async function currentRoutingModelVersion(db: Kysely<Database>, tenantId: string): Promise<string | null> {
  const row = await models(db).selectFrom('routing_models').select('version').where('tenant_id', '=', tenantId).where('is_current', '=', true).executeTakeFirst();
  return row?.version ?? null;
}

/**
 * Reviewer-confirmed turns of a tenant, oldest first: the question of each approved or edited escalation,
 * labelled with its primary (first) agent. An escalation without a question or agent teaches nothing and is
 * skipped; a reviewer who rejected the answer did not confirm the routing, so rejected ones are left out.
 */
export async function listConfirmedTurns(db: Kysely<Database>, input: { tenantId: string; limit?: number }): Promise<ConfirmedTurn[]> {
  const rows = await db
    .selectFrom('escalations')
    .select(['question', 'agents'])
    .where('tenant_id', '=', input.tenantId)
    .where('status', 'in', [...CONFIRMING_STATUSES])
    .where('question', '<>', '')
    .orderBy('created_at')
    .orderBy('id')
    .limit(input.limit ?? 10_000)
    .execute();
  return rows.flatMap((row) => {
    const agentId = row.agents[0];
    return agentId === undefined ? [] : [{ question: row.question, agentId }];
  });
}
