/**
 * The `Store` on kysely: PostgreSQL in production, PGlite embedded, same SQL and migrations. Writes are
 * idempotent (keyed inserts with ON CONFLICT), so Temporal activity retries never duplicate rows.
 */
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { FailureType } from '../../domain/failure-types.js';
import { createLogger, type Logger } from '../../domain/logger.js';
import type { ConversationStatus, StageTiming } from '../../domain/types.js';
import { createDatabase, type Database, type DatabaseOptions } from './database.js';
import * as agentQueries from './agent-queries.js';
import * as analyticsQueries from './analytics-queries.js';
import * as reviewQueries from './review-queries.js';
import * as knowledgeQueries from './knowledge-queries.js';
import { migrateToLatest } from './migrations/index.js';
import { createSecurityStore, type SecurityStore } from './security-queries.js';
import { toConversationRecord, toJson, toMessageRecord, toStageTiming, toTurnRecord, toTurnUpdate, type TurnPatch } from './row-mappers.js';
import type {
  AgentMetricsRow,
  AgentRecord,
  AgentRunRecord,
  AgentVersionRecord,
  AuditEntry,
  ConversationRecord,
  DailyOverview,
  EscalationFilter,
  EscalationStats,
  NewEscalation,
  EscalationRecord,
  KnowledgeDocumentInput,
  KnowledgeDocumentState,
  StoredKnowledgeDocument,
  KnowledgeHit,
  KnowledgeSearchInput,
  MessageRecord,
  SeedCounts,
  Store,
  TurnRecord,
} from './store.js';
import type { AgentDefinition } from '../agents/catalog.js';
import { KnowledgeSourceStore } from '../knowledge/sources/knowledge-source-store.js';
import { KyselyWebhookStore, type WebhookStore } from '../webhooks/webhook-store.js';
import * as routingModels from '../routing/model-store.js';
import type { NewRoutingModel, StoredRoutingModel } from '../routing/model-store.js';
import type { ConfirmedTurn } from '../routing/training-data.js';
import type { CodecKey } from '../../domain/payload-codec.js';
import { SecretBox } from '../../domain/secret-box.js';

export interface StoreOptions extends DatabaseOptions {
  /** Keys that seal stored secrets (webhook signing secrets; `AGENTCRAFT_SECRET_KEYS`); none: stored as given. */
  secretKeys?: readonly CodecKey[];
}

/** User before assistant (before a human agent) when two messages share a timestamp. */
const roleRank = sql<number>`case role when 'user' then 0 when 'assistant' then 1 else 2 end`;

/** A missing row: non-retryable, so Temporal does not retry a write that can never succeed. */
function notFound(kind: string, id: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${kind} ${id} not found`, FailureType.NotFound);
}

/** Runs a write; a foreign-key violation (the parent row is missing) becomes a non-retryable NotFound. */
async function withParent<T>(kind: string, id: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23503') throw notFound(kind, id);
    throw error;
  }
}

/**
 * The relational store over a kysely instance. Children (messages, turns, escalations) require their
 * conversation to exist (`ensureConversation` first) and stage timings their turn; a missing parent, or
 * an update of a missing row, fails with a non-retryable `ApplicationFailure` of type `NotFound`.
 */
export class KyselyStore implements Store {
  readonly #db: Kysely<Database>;
  readonly #logger: Logger;
  #security: SecurityStore | undefined;
  readonly knowledgeSources: KnowledgeSourceStore;
  readonly webhooks: WebhookStore;

  constructor(db: Kysely<Database>, options: { logger?: Logger; secretKeys?: readonly CodecKey[] } = {}) {
    this.#db = db;
    this.#logger = options.logger ?? createLogger({ name: 'persistence' });
    this.knowledgeSources = new KnowledgeSourceStore(db);
    this.webhooks = new KyselyWebhookStore(db, new SecretBox(options.secretKeys));
  }

  /** Brings the schema up to date, then seals stored secrets that are in the clear or under a retired key. */
  async migrate(): Promise<void> {
    await this.applyMigrations();
    const { resealed, inClear, unreadable } = await this.webhooks.resealSecrets();
    if (unreadable > 0) this.#logger.warn({ unreadable }, 'webhook signing secrets are sealed with keys missing from AGENTCRAFT_SECRET_KEYS: their deliveries fail until those keys are added');
    if (resealed > 0) this.#logger.info({ resealed }, 'webhook signing secrets sealed with the primary AGENTCRAFT_SECRET_KEYS key');
    if (inClear > 0) this.#logger.warn({ inClear }, 'webhook signing secrets are stored in the clear: set AGENTCRAFT_SECRET_KEYS to seal them at rest');
  }

  /** Like `migrate()`, and returns the names of the migrations it ran (empty when the schema was current). */
  applyMigrations(): Promise<string[]> {
    return migrateToLatest(this.#db, this.#logger);
  }

  /** API keys and paged audit reads, on the same database. */
  security(): SecurityStore {
    return (this.#security ??= createSecurityStore(this.#db));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  async ensureConversation(input: Parameters<Store['ensureConversation']>[0]): Promise<ConversationRecord> {
    await this.#db
      .insertInto('conversations')
      .values({ id: input.id, tenant_id: input.tenantId, customer_id: input.customerId, metadata: toJson(input.metadata ?? {}) })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
    const row = await this.#db.selectFrom('conversations').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
    return toConversationRecord(row);
  }

  async setConversationStatus(id: string, status: ConversationStatus): Promise<void> {
    const result = await this.#db
      .updateTable('conversations')
      .set({ status, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('Conversation', id);
  }

  async getConversation(id: string): Promise<{ conversation: ConversationRecord; messages: MessageRecord[]; turns: TurnRecord[] } | null> {
    const conversation = await this.#db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    if (conversation === undefined) return null;
    const messages = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', id)
      .orderBy('created_at')
      // Messages written in the same millisecond: the earlier turn first, then the question before its answer.
      .orderBy(sql`(select turn_number from turns where turns.id = messages.turn_id)`, (order) => order.asc().nullsLast())
      .orderBy(roleRank)
      .orderBy('id')
      .execute();
    const turns = await this.#db.selectFrom('turns').selectAll().where('conversation_id', '=', id).orderBy('turn_number').execute();
    const stages = await this.#stagesOf(turns.map((turn) => turn.id));
    return {
      conversation: toConversationRecord(conversation),
      messages: messages.map(toMessageRecord),
      turns: turns.map((turn) => toTurnRecord(turn, stages.get(turn.id) ?? [])),
    };
  }

  async saveMessage(input: Omit<MessageRecord, 'createdAt'>): Promise<MessageRecord> {
    const inserted = await withParent('Conversation', input.conversationId, () =>
      this.#db
        .insertInto('messages')
        .values({
          id: input.id,
          conversation_id: input.conversationId,
          turn_id: input.turnId,
          role: input.role,
          content: input.content,
          citations: toJson(input.citations),
          confidence: input.confidence,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returningAll()
        .executeTakeFirst(),
    );
    if (inserted === undefined) {
      const stored = await this.#db.selectFrom('messages').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
      return toMessageRecord(stored);
    }
    await this.#db.updateTable('conversations').set({ updated_at: sql<Date>`now()` }).where('id', '=', input.conversationId).execute();
    return toMessageRecord(inserted);
  }

  async startTurn(input: { id: string; conversationId: string; turnNumber: number; workflowId: string }): Promise<void> {
    await withParent('Conversation', input.conversationId, () =>
      this.#db
        .insertInto('turns')
        .values({ id: input.id, conversation_id: input.conversationId, turn_number: input.turnNumber, workflow_id: input.workflowId })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute(),
    );
  }

  async recordStage(turnId: string, timing: StageTiming): Promise<void> {
    const values = {
      started_at: timing.startedAt,
      finished_at: timing.finishedAt,
      duration_ms: timing.durationMs,
      status: timing.status,
    };
    await withParent('Turn', turnId, () =>
      this.#db
        .insertInto('turn_stages')
        .values({ turn_id: turnId, stage: timing.stage, ...values })
        .onConflict((conflict) => conflict.columns(['turn_id', 'stage']).doUpdateSet(values))
        .execute(),
    );
  }

  async updateTurn(turnId: string, patch: TurnPatch): Promise<void> {
    const values = toTurnUpdate(patch);
    if (Object.keys(values).length === 0) {
      if ((await this.#db.selectFrom('turns').select('id').where('id', '=', turnId).executeTakeFirst()) === undefined) throw notFound('Turn', turnId);
      return;
    }
    const result = await this.#db.updateTable('turns').set(values).where('id', '=', turnId).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('Turn', turnId);
  }

  async getTurn(turnId: string): Promise<TurnRecord | null> {
    const turn = await this.#db.selectFrom('turns').selectAll().where('id', '=', turnId).executeTakeFirst();
    if (turn === undefined) return null;
    const stages = await this.#stagesOf([turnId]);
    return toTurnRecord(turn, stages.get(turnId) ?? []);
  }

  async getCustomerHistory(input: Parameters<Store['getCustomerHistory']>[0]): Promise<MessageRecord[]> {
    if (!(input.limit > 0)) return [];
    const rows = await this.#db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .selectAll('messages')
      .where('conversations.tenant_id', '=', input.tenantId)
      .where('conversations.customer_id', '=', input.customerId)
      .where('conversations.id', '<>', input.excludeConversationId)
      .orderBy('messages.created_at', 'desc')
      .orderBy(roleRank, 'desc')
      .orderBy('messages.id', 'desc')
      .limit(Math.floor(input.limit))
      .execute();
    return rows.map(toMessageRecord);
  }

  upsertKnowledgeDocument(input: KnowledgeDocumentInput): Promise<'inserted' | 'updated' | 'unchanged'> {
    return knowledgeQueries.upsertKnowledgeDocument(this.#db, input);
  }

  countKnowledgeDocuments(tenantId: string): Promise<number> {
    return knowledgeQueries.countKnowledgeDocuments(this.#db, tenantId);
  }

  searchKnowledge(input: KnowledgeSearchInput): Promise<KnowledgeHit[]> {
    return knowledgeQueries.searchKnowledge(this.#db, input);
  }

  getKnowledgeDocumentState(documentId: string): Promise<KnowledgeDocumentState | null> {
    return knowledgeQueries.getKnowledgeDocumentState(this.#db, documentId);
  }

  deleteKnowledgeDocuments(input: { tenantId: string; documentIds: string[] }): Promise<number> {
    return knowledgeQueries.deleteKnowledgeDocuments(this.#db, input);
  }

  listKnowledgeDocumentsToEmbed(input: { embeddingModel: string; limit: number; afterId?: string }): Promise<string[]> {
    return knowledgeQueries.listKnowledgeDocumentsToEmbed(this.#db, input);
  }

  countKnowledgeDocumentsToEmbed(embeddingModel: string): Promise<number> {
    return knowledgeQueries.countKnowledgeDocumentsToEmbed(this.#db, embeddingModel);
  }

  getKnowledgeDocumentWithChunks(documentId: string): Promise<StoredKnowledgeDocument | null> {
    return knowledgeQueries.getKnowledgeDocumentWithChunks(this.#db, documentId);
  }

  markKnowledgeDocumentEmbedded(input: { documentId: string; contentHash: string; embeddingModel: string }): Promise<boolean> {
    return knowledgeQueries.markKnowledgeDocumentEmbedded(this.#db, input);
  }

  createEscalation(input: NewEscalation): Promise<EscalationRecord> {
    return reviewQueries.createEscalation(this.#db, input);
  }

  getEscalation(id: string): Promise<EscalationRecord | null> {
    return reviewQueries.getEscalation(this.#db, id);
  }

  resolveEscalation(input: Parameters<Store['resolveEscalation']>[0]): Promise<void> {
    return reviewQueries.resolveEscalation(this.#db, input);
  }

  assignEscalation(input: Parameters<Store['assignEscalation']>[0]): Promise<void> {
    return reviewQueries.assignEscalation(this.#db, input);
  }

  recordReminder(input: Parameters<Store['recordReminder']>[0]): Promise<void> {
    return reviewQueries.recordReminder(this.#db, input);
  }

  /** Escalations, oldest first (the reviewer queue's order). */
  listEscalations(filter: EscalationFilter): Promise<EscalationRecord[]> {
    return reviewQueries.listEscalations(this.#db, filter);
  }

  listConversations(filter: Parameters<Store['listConversations']>[0]): Promise<ConversationRecord[]> {
    return analyticsQueries.listConversations(this.#db, filter);
  }

  dailyOverview(input: { since: string; tenantId: string }): Promise<DailyOverview[]> {
    return analyticsQueries.dailyOverview(this.#db, input);
  }

  appendAudit(entry: Parameters<Store['appendAudit']>[0]): Promise<void> {
    return reviewQueries.appendAudit(this.#db, entry);
  }

  listAudit(filter: Parameters<Store['listAudit']>[0]): Promise<AuditEntry[]> {
    return reviewQueries.listAudit(this.#db, filter);
  }

  escalationStats(input: { since: string; tenantId?: string }): Promise<EscalationStats> {
    return reviewQueries.escalationStats(this.#db, input);
  }

  seedAgents(definitions: readonly AgentDefinition[]): Promise<SeedCounts> {
    return agentQueries.seedAgents(this.#db, definitions);
  }

  listAgents(): Promise<AgentRecord[]> {
    return agentQueries.listAgents(this.#db);
  }

  getAgent(id: string, version?: number): Promise<AgentRecord | null> {
    return agentQueries.getAgent(this.#db, id, version);
  }

  listAgentVersions(id: string): Promise<AgentVersionRecord[]> {
    return agentQueries.listAgentVersions(this.#db, id);
  }

  saveAgentVersion(input: Parameters<Store['saveAgentVersion']>[0]): Promise<AgentRecord> {
    return agentQueries.saveAgentVersion(this.#db, input);
  }

  setAgentEnabled(id: string, enabled: boolean): Promise<boolean> {
    return agentQueries.setAgentEnabled(this.#db, id, enabled);
  }

  recordAgentRuns(runs: readonly AgentRunRecord[]): Promise<void> {
    return agentQueries.recordAgentRuns(this.#db, runs);
  }

  agentMetrics(input: { since: string; tenantId?: string }): Promise<AgentMetricsRow[]> {
    return agentQueries.agentMetrics(this.#db, input);
  }

  saveRoutingModel(input: NewRoutingModel): Promise<boolean> {
    return routingModels.saveRoutingModel(this.#db, input);
  }

  markRoutingModelCurrent(input: { tenantId: string; version: string }): Promise<void> {
    return routingModels.markRoutingModelCurrent(this.#db, input);
  }

  loadCurrentRoutingModel(tenantId: string): Promise<StoredRoutingModel | null> {
    return routingModels.loadCurrentRoutingModel(this.#db, tenantId);
  }

  currentRoutingModelVersion(tenantId: string): Promise<string | null> {
    return routingModels.currentRoutingModelVersion(this.#db, tenantId);
  }

  listConfirmedTurns(input: { tenantId: string; limit?: number }): Promise<ConfirmedTurn[]> {
    return routingModels.listConfirmedTurns(this.#db, input);
  }

  async #stagesOf(turnIds: string[]): Promise<Map<string, StageTiming[]>> {
    const byTurn = new Map<string, StageTiming[]>();
    if (turnIds.length === 0) return byTurn;
    const rows = await this.#db
      .selectFrom('turn_stages')
      .selectAll()
      .where('turn_id', 'in', turnIds)
      .orderBy('started_at')
      .orderBy('finished_at')
      .orderBy('stage')
      .execute();
    for (const row of rows) {
      const stages = byTurn.get(row.turn_id) ?? [];
      stages.push(toStageTiming(row));
      byTurn.set(row.turn_id, stages);
    }
    return byTurn;
  }
}

/** Builds the store on PostgreSQL (`databaseUrl`) or PGlite (`pgliteDirectory`, or in memory). Call `migrate()` before use. */
export function createStore(options: StoreOptions): KyselyStore {
  return new KyselyStore(createDatabase(options), { logger: options.logger, secretKeys: options.secretKeys });
}
