/**
 * Escalations (the reviewer queue), the append-only audit log and review analytics. Every write is keyed,
 * so activity retries never duplicate rows; the first decision on an escalation wins.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failure-types.js';
import type { Database } from './database.js';
import { toAuditEntry, toEscalationRecord, toJson, toNumber } from './row-mappers.js';
import type { AuditEntry, EscalationFilter, EscalationRecord, EscalationStats, NewEscalation, Store } from './store.js';

function notFound(id: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`Escalation ${id} not found`, FailureType.NotFound);
}

export async function createEscalation(db: Kysely<Database>, input: NewEscalation): Promise<EscalationRecord> {
  try {
    await db
      .insertInto('escalations')
      .values({
        id: input.id,
        conversation_id: input.conversationId,
        turn_id: input.turnId,
        reason: input.reason,
        draft_answer: input.draftAnswer,
        tenant_id: input.tenantId ?? 'default',
        team: input.team ?? null,
        question: input.question ?? '',
        agents: toJson(input.agents ?? []),
        evidence: toJson(input.evidence ?? []),
        assignee: input.assignee ?? null,
        remind_at: input.remindAt ?? null,
        deadline_at: input.deadlineAt ?? null,
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23503') throw ApplicationFailure.nonRetryable(`Conversation ${input.conversationId} not found`, FailureType.NotFound);
    throw error;
  }
  const found = await getEscalation(db, input.id);
  if (found === null) throw notFound(input.id);
  return found;
}

export async function getEscalation(db: Kysely<Database>, id: string): Promise<EscalationRecord | null> {
  const row = await db.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toEscalationRecord(row);
}

/** Resolves a pending escalation; the first decision wins, so a retried or late decision is a no-op. */
export async function resolveEscalation(db: Kysely<Database>, input: Parameters<Store['resolveEscalation']>[0]): Promise<void> {
  const result = await db
    .updateTable('escalations')
    .set({ status: input.status, reviewer: input.reviewer, final_answer: input.finalAnswer, resolved_at: sql<Date>`now()`, ...(input.note === undefined ? {} : { note: input.note }) })
    .where('id', '=', input.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return;
  if ((await getEscalation(db, input.id)) === null) throw notFound(input.id);
}

/** Changes who should review a pending escalation (and optionally its team). */
export async function assignEscalation(db: Kysely<Database>, input: { id: string; assignee: string | null; team?: string }): Promise<void> {
  await db
    .updateTable('escalations')
    .set({ assignee: input.assignee, ...(input.team === undefined ? {} : { team: input.team }) })
    .where('id', '=', input.id)
    .execute();
}

/** Counts a reminder sent to reviewers and moves the next reminder time. */
export async function recordReminder(db: Kysely<Database>, input: { id: string; reminders: number; nextRemindAt: string | null }): Promise<void> {
  await db.updateTable('escalations').set({ reminders: input.reminders, remind_at: input.nextRemindAt }).where('id', '=', input.id).execute();
}

/** The reviewer queue: filtered by tenant, status, reason (substring), team and minimum age; oldest first. */
export async function listEscalations(db: Kysely<Database>, filter: EscalationFilter): Promise<EscalationRecord[]> {
  let query = db.selectFrom('escalations').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.team !== undefined) query = query.where('team', '=', filter.team);
  if (filter.reason !== undefined) query = query.where('reason', 'ilike', `%${filter.reason.replace(/[\\%_]/g, (match) => `\\${match}`)}%`);
  if (filter.olderThanMs !== undefined) query = query.where('created_at', '<=', new Date(Date.now() - filter.olderThanMs).toISOString());
  const rows = await query.orderBy('created_at').orderBy('id').limit(filter.limit ?? 200).execute();
  return rows.map(toEscalationRecord);
}

/** Appends an audit entry; a repeated `idempotencyKey` is ignored. */
export async function appendAudit(db: Kysely<Database>, entry: Omit<AuditEntry, 'id' | 'at'> & { idempotencyKey?: string }): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      details: toJson(entry.details),
      idempotency_key: entry.idempotencyKey ?? null,
    })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .execute();
}

export async function listAudit(db: Kysely<Database>, filter: { tenantId?: string; subjectType?: string; subjectId?: string; limit?: number }): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 200).execute();
  return rows.map(toAuditEntry);
}

/** Escalation rate, reasons and time to decision since a time (the analytics API's escalation panel). */
export async function escalationStats(db: Kysely<Database>, input: { since: string; tenantId?: string }): Promise<EscalationStats> {
  let turns = db.selectFrom('turns').innerJoin('conversations', 'conversations.id', 'turns.conversation_id').where('turns.created_at', '>=', input.since);
  if (input.tenantId !== undefined) turns = turns.where('conversations.tenant_id', '=', input.tenantId);
  const totals = await turns
    .select([sql<string>`count(*)`.as('turns'), sql<string>`count(*) filter (where turns.escalated)`.as('escalated')])
    .executeTakeFirstOrThrow();
  let escalations = db.selectFrom('escalations').where('created_at', '>=', input.since);
  if (input.tenantId !== undefined) escalations = escalations.where('tenant_id', '=', input.tenantId);
  const reasons = await escalations.select(['reason', sql<string>`count(*)`.as('count')]).groupBy('reason').orderBy(sql`count(*)`, 'desc').execute();
  const outcomes = await escalations.select(['status', sql<string>`count(*)`.as('count')]).groupBy('status').execute();
  const decision = await escalations
    .where('resolved_at', 'is not', null)
    .where('status', '!=', 'timed_out')
    .select([
      sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from resolved_at - created_at) * 1000)`.as('p50'),
      sql<number | null>`percentile_cont(0.95) within group (order by extract(epoch from resolved_at - created_at) * 1000)`.as('p95'),
    ])
    .executeTakeFirstOrThrow();
  const turnCount = toNumber(totals.turns);
  const escalated = toNumber(totals.escalated);
  return {
    turns: turnCount,
    escalated,
    rate: turnCount === 0 ? 0 : escalated / turnCount,
    reasons: reasons.map((row) => ({ reason: row.reason, count: toNumber(row.count) })),
    outcomes: Object.fromEntries(outcomes.map((row) => [row.status, toNumber(row.count)])),
    timeToDecisionMs: { p50: decision.p50 === null ? null : toNumber(decision.p50), p95: decision.p95 === null ? null : toNumber(decision.p95) },
  };
}
