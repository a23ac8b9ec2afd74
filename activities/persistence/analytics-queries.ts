/**
 * Dashboard reads: conversations of a tenant (newest first) and daily turn outcomes, latency and cost.
 * "Reopened" counts follow-up turns (a customer writing again in the same conversation), the usual proxy
 * for an answer that did not settle the question.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { toConversationRecord, toNumber } from './row-mappers.js';
import type { ConversationRecord, DailyOverview } from './store.js';

export async function listConversations(db: Kysely<Database>, filter: { tenantId: string; customerId?: string; limit?: number }): Promise<ConversationRecord[]> {
  let query = db.selectFrom('conversations').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  const rows = await query.orderBy('updated_at', 'desc').orderBy('id').limit(filter.limit ?? 50).execute();
  return rows.map(toConversationRecord);
}

export async function dailyOverview(db: Kysely<Database>, input: { since: string; tenantId: string }): Promise<DailyOverview[]> {
  const rows = await db
    .selectFrom('turns')
    .innerJoin('conversations', 'conversations.id', 'turns.conversation_id')
    .where('conversations.tenant_id', '=', input.tenantId)
    .where('turns.created_at', '>=', input.since)
    .select([
      sql<string>`to_char(date_trunc('day', turns.created_at at time zone 'UTC'), 'YYYY-MM-DD')`.as('date'),
      sql<string>`count(distinct turns.conversation_id)`.as('conversations'),
      sql<string>`count(*)`.as('turns'),
      sql<string>`count(*) filter (where turns.status = 'completed' and not turns.escalated)`.as('resolved'),
      sql<string>`count(*) filter (where turns.escalated)`.as('escalated'),
      sql<string>`count(*) filter (where turns.turn_number > 1)`.as('reopened'),
      sql<string>`count(*) filter (where turns.status = 'failed')`.as('failed'),
      sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from turns.finished_at - turns.created_at) * 1000)`.as('latency_p50'),
      sql<number | null>`percentile_cont(0.95) within group (order by extract(epoch from turns.finished_at - turns.created_at) * 1000)`.as('latency_p95'),
      sql<number>`coalesce(sum(turns.cost_usd), 0)`.as('cost'),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  return rows.map((row) => {
    const conversations = toNumber(row.conversations);
    return {
      date: row.date,
      conversations,
      turns: toNumber(row.turns),
      resolved: toNumber(row.resolved),
      escalated: toNumber(row.escalated),
      reopened: toNumber(row.reopened),
      failed: toNumber(row.failed),
      latencyP50Ms: row.latency_p50 === null ? null : Math.round(toNumber(row.latency_p50)),
      latencyP95Ms: row.latency_p95 === null ? null : Math.round(toNumber(row.latency_p95)),
      costUsd: toNumber(row.cost),
      costPerConversationUsd: conversations === 0 ? 0 : toNumber(row.cost) / conversations,
    };
  });
}
