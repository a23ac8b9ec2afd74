/**
 * Rows → records. Both drivers return timestamptz as `Date`, and `pg` returns bigint/numeric as strings;
 * everything leaves the store as plain JSON (ISO strings, numbers), identical on PostgreSQL and PGlite.
 */
import type { Selectable, Updateable } from 'kysely';
import type { StageTiming } from '../../domain/types.js';
import type { AuditLogTable, ConversationTable, EscalationTable, KnowledgeChunkTable, MessageTable, TurnStageTable, TurnTable } from './database.js';
import type { AuditEntry, ConversationRecord, EscalationRecord, KnowledgeHit, MessageRecord, Store, TurnRecord } from './store.js';

/** An ISO-8601 UTC string from a driver timestamp. */
export function toIsoString(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** `toIsoString` that passes `null` through. */
export function toIsoStringOrNull(value: Date | string | null): string | null {
  return value === null ? null : toIsoString(value);
}

/** A number from a driver value (`pg` returns bigint and numeric as strings). */
export function toNumber(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

/** `toNumber` that passes `null` through. */
export function toNumberOrNull(value: number | string | null): number | null {
  return value === null ? null : toNumber(value);
}

/** JSON text for a jsonb parameter (`pg` would send a JS array as a Postgres array literal). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A `conversations` row as the record the store returns. */
export function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    details: row.details,
    at: toIsoString(row.at),
  };
}

export function toConversationRecord(row: Selectable<ConversationTable>): ConversationRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    customerId: row.customer_id,
    status: row.status as ConversationRecord['status'],
    metadata: row.metadata,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
  };
}

/** A `messages` row as the record the store returns. */
export function toMessageRecord(row: Selectable<MessageTable>): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    turnId: row.turn_id,
    role: row.role as MessageRecord['role'],
    content: row.content,
    citations: row.citations as MessageRecord['citations'],
    confidence: toNumberOrNull(row.confidence),
    createdAt: toIsoString(row.created_at),
  };
}

/** A `turn_stages` row as a stage timing. */
export function toStageTiming(row: Selectable<TurnStageTable>): StageTiming {
  return {
    stage: row.stage as StageTiming['stage'],
    startedAt: toIsoString(row.started_at),
    finishedAt: toIsoString(row.finished_at),
    durationMs: toNumber(row.duration_ms),
    status: row.status as StageTiming['status'],
  };
}

/** A `turns` row plus its stage timings as the turn trace. */
export function toTurnRecord(row: Selectable<TurnTable>, stages: StageTiming[]): TurnRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    turnNumber: toNumber(row.turn_number),
    workflowId: row.workflow_id,
    status: row.status as TurnRecord['status'],
    stages,
    route: (row.route ?? null) as TurnRecord['route'],
    retrieval: row.retrieval as TurnRecord['retrieval'],
    retrievalHits: row.retrieval_hits as TurnRecord['retrievalHits'],
    agents: row.agents,
    llmCalls: row.llm_calls as TurnRecord['llmCalls'],
    qa: row.qa as TurnRecord['qa'],
    escalated: row.escalated,
    escalationId: row.escalation_id,
    confidence: toNumberOrNull(row.confidence),
    costUsd: toNumber(row.cost_usd),
    createdAt: toIsoString(row.created_at),
    finishedAt: toIsoStringOrNull(row.finished_at),
  };
}

/** An `escalations` row as the record the store returns. */
export function toEscalationRecord(row: Selectable<EscalationTable>): EscalationRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    turnId: row.turn_id,
    tenantId: row.tenant_id,
    team: row.team,
    question: row.question,
    agents: row.agents,
    reason: row.reason,
    evidence: row.evidence as EscalationRecord['evidence'],
    draftAnswer: row.draft_answer,
    status: row.status as EscalationRecord['status'],
    assignee: row.assignee,
    reviewer: row.reviewer,
    finalAnswer: row.final_answer,
    note: row.note,
    reminders: row.reminders,
    createdAt: toIsoString(row.created_at),
    remindAt: toIsoStringOrNull(row.remind_at),
    deadlineAt: toIsoStringOrNull(row.deadline_at),
    resolvedAt: toIsoStringOrNull(row.resolved_at),
  };
}

/** A search row: the chunk's columns plus its document's title, url and update time, and the rank. */
export type KnowledgeHitRow = Pick<Selectable<KnowledgeChunkTable>, 'id' | 'document_id' | 'heading' | 'text'> & {
  source_id: string;
  title: string;
  url: string | null;
  updated_at: Date | string;
  score: number | string;
};

/** A search row as a knowledge hit (score already normalised to 0..1 by the query). */
export function toKnowledgeHit(row: KnowledgeHitRow): KnowledgeHit {
  return {
    chunkId: row.id,
    documentId: row.document_id,
    sourceId: row.source_id,
    title: row.title,
    url: row.url,
    heading: row.heading,
    text: row.text,
    score: toNumber(row.score),
    updatedAt: toIsoString(row.updated_at),
  };
}

/** The fields `updateTurn` may change. */
export type TurnPatch = Parameters<Store['updateTurn']>[1];

/** The column values of a turn patch: only the fields present in `patch` (JSON fields as JSON text). */
export function toTurnUpdate(patch: TurnPatch): Updateable<TurnTable> {
  const values: Updateable<TurnTable> = {};
  if (patch.status !== undefined) values.status = patch.status;
  if (patch.route !== undefined) values.route = patch.route === null ? null : toJson(patch.route);
  if (patch.retrieval !== undefined) values.retrieval = toJson(patch.retrieval);
  if (patch.retrievalHits !== undefined) values.retrieval_hits = toJson(patch.retrievalHits);
  if (patch.agents !== undefined) values.agents = toJson(patch.agents);
  if (patch.llmCalls !== undefined) values.llm_calls = toJson(patch.llmCalls);
  if (patch.qa !== undefined) values.qa = toJson(patch.qa);
  if (patch.escalated !== undefined) values.escalated = patch.escalated;
  if (patch.escalationId !== undefined) values.escalation_id = patch.escalationId;
  if (patch.confidence !== undefined) values.confidence = patch.confidence;
  if (patch.costUsd !== undefined) values.cost_usd = patch.costUsd;
  if (patch.finishedAt !== undefined) values.finished_at = patch.finishedAt;
  return values;
}
