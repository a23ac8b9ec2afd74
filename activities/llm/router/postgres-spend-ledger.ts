/**
 * The production `SpendLedger` on the `model_usage` table (migration `0003-model-usage`), through kysely;
 * works on PostgreSQL and PGlite alike. A reservation runs in a transaction holding a per-tenant advisory lock,
 * so workers checking the same tenant's budgets queue for a moment instead of overspending together.
 */
import { sql } from 'kysely';
import type { ColumnType, Kysely, SelectQueryBuilder } from 'kysely';
import { BudgetScope, DEFAULT_RESERVATION_TTL_MS, checkBudgets } from './spend-ledger.js';
import type {
  BudgetLimits,
  ReserveOutcome,
  SpendDimension,
  SpendFilter,
  SpendLedger,
  SpendReservation,
  SpendSettlement,
  SpendTotals,
} from './spend-ledger.js';
import type { Clock } from './circuit-breaker.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** The `model_usage` table as kysely sees it (add it to the application's database interface). */
export interface ModelUsageTable {
  call_id: string;
  attempt_index: number;
  tenant_id: string;
  conversation_id: string;
  turn_id: string;
  agent_id: string | null;
  purpose: string;
  provider: string;
  model_id: string;
  usage_day: string;
  status: 'reserved' | 'recorded';
  outcome: string | null;
  estimate_usd: number;
  cost_usd: ColumnType<number, number | undefined, number>;
  input_tokens: ColumnType<number, number | undefined, number>;
  output_tokens: ColumnType<number, number | undefined, number>;
  latency_ms: number | null;
  reserved_at: Timestamp;
  settled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The part of the application's schema this ledger uses. */
export interface ModelUsageDatabase {
  model_usage: ModelUsageTable;
}

type UsageQuery = SelectQueryBuilder<ModelUsageDatabase, 'model_usage', object>;

const DIMENSION_COLUMNS = {
  tenant: sql<string>`tenant_id`,
  conversation: sql<string>`conversation_id`,
  turn: sql<string>`turn_id`,
  agent: sql<string>`coalesce(agent_id, '')`,
  model: sql<string>`provider || '/' || model_id`,
  day: sql<string>`usage_day`,
} satisfies Record<SpendDimension, unknown>;

/** `SpendLedger` on PostgreSQL (or PGlite); `DB` is the application's schema, which includes `model_usage`. */
export class PostgresSpendLedger<DB extends ModelUsageDatabase = ModelUsageDatabase> implements SpendLedger {
  private readonly db: Kysely<ModelUsageDatabase>;
  private readonly clock: Clock;
  private readonly reservationTtlMs: number;

  /** `db` must have run the migrations of `activities/persistence/migrations`. */
  constructor(options: { db: Kysely<DB>; clock?: Clock; reservationTtlMs?: number }) {
    // Kysely's schema parameter is invariant; this ledger only touches `model_usage`, which DB is known to have.
    this.db = options.db as unknown as Kysely<ModelUsageDatabase>;
    this.clock = options.clock ?? Date.now;
    this.reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  }

  async reserve(reservation: SpendReservation, limits: BudgetLimits): Promise<ReserveOutcome> {
    return this.db.transaction().execute(async (transaction) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`model-usage:${reservation.tenantId}`}, 0))`.execute(transaction);
      const spent = await this.spentInScopes(transaction, reservation);
      const outcome = checkBudgets(limits, spent, reservation.estimateUsd);
      if (outcome.reserved) {
        await transaction
          .insertInto('model_usage')
          .values({
            call_id: reservation.callId,
            attempt_index: reservation.attemptIndex,
            tenant_id: reservation.tenantId,
            conversation_id: reservation.conversationId,
            turn_id: reservation.turnId,
            agent_id: reservation.agentId,
            purpose: reservation.purpose,
            provider: reservation.provider,
            model_id: reservation.modelId,
            usage_day: reservation.day,
            status: 'reserved',
            outcome: null,
            estimate_usd: reservation.estimateUsd,
            latency_ms: null,
            reserved_at: new Date(reservation.at),
          })
          .onConflict((conflict) => conflict.columns(['call_id', 'attempt_index']).doNothing())
          .execute();
      }
      return outcome;
    });
  }

  async settle(settlement: SpendSettlement): Promise<boolean> {
    const result = await this.db
      .updateTable('model_usage')
      .set({
        status: 'recorded',
        outcome: settlement.outcome,
        cost_usd: settlement.costUsd,
        input_tokens: settlement.usage.inputTokens,
        output_tokens: settlement.usage.outputTokens,
        latency_ms: settlement.latencyMs,
        settled_at: new Date(this.clock()),
      })
      .where('call_id', '=', settlement.callId)
      .where('attempt_index', '=', settlement.attemptIndex)
      .where('status', '=', 'reserved')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async totals(filter: SpendFilter): Promise<SpendTotals> {
    const row = await this.filtered(filter).select(totalColumns()).executeTakeFirstOrThrow();
    return toTotals(row);
  }

  async totalsBy(dimension: SpendDimension, filter: SpendFilter): Promise<(SpendTotals & { key: string })[]> {
    const column = DIMENSION_COLUMNS[dimension];
    const rows = await this.filtered(filter)
      .select([column.as('key'), ...totalColumns()])
      .groupBy(column)
      .orderBy(column)
      .execute();
    return rows.map((row) => ({ key: row.key, ...toTotals(row) }));
  }

  private async spentInScopes(db: Kysely<ModelUsageDatabase>, reservation: SpendReservation): Promise<Record<BudgetScope, number>> {
    const cutoff = new Date(this.clock() - this.reservationTtlMs);
    const amount = sql<number>`case when status = 'recorded' then cost_usd else estimate_usd end`;
    const row = await db
      .selectFrom('model_usage')
      .select([
        sql<number>`coalesce(sum(${amount}) filter (where turn_id = ${reservation.turnId}), 0)`.as('turn'),
        sql<number>`coalesce(sum(${amount}) filter (where conversation_id = ${reservation.conversationId}), 0)`.as('conversation'),
        sql<number>`coalesce(sum(${amount}) filter (where usage_day = ${reservation.day}), 0)`.as('tenantDay'),
      ])
      .where('tenant_id', '=', reservation.tenantId)
      .where((where) => where.or([where('status', '=', 'recorded'), where('reserved_at', '>', cutoff)]))
      .where((where) =>
        where.or([
          where('turn_id', '=', reservation.turnId),
          where('conversation_id', '=', reservation.conversationId),
          where('usage_day', '=', reservation.day),
        ]),
      )
      .executeTakeFirstOrThrow();
    return { [BudgetScope.turn]: Number(row.turn), [BudgetScope.conversation]: Number(row.conversation), [BudgetScope.tenantDay]: Number(row.tenantDay) };
  }

  private filtered(filter: SpendFilter): UsageQuery {
    let query: UsageQuery = this.db.selectFrom('model_usage').where('status', '=', 'recorded');
    if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
    if (filter.conversationId !== undefined) query = query.where('conversation_id', '=', filter.conversationId);
    if (filter.turnId !== undefined) query = query.where('turn_id', '=', filter.turnId);
    if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    if (filter.modelId !== undefined) query = query.where('model_id', '=', filter.modelId);
    if (filter.day !== undefined) query = query.where('usage_day', '=', filter.day);
    return query;
  }
}

function totalColumns() {
  return [
    sql<number>`coalesce(sum(cost_usd), 0)`.as('costUsd'),
    sql<string>`coalesce(sum(input_tokens), 0)`.as('inputTokens'),
    sql<string>`coalesce(sum(output_tokens), 0)`.as('outputTokens'),
    sql<string>`count(*)`.as('attempts'),
  ] as const;
}

/** pg returns `sum(integer)` (bigint) and `count(*)` as strings. */
function toTotals(row: { costUsd: number; inputTokens: string; outputTokens: string; attempts: string }): SpendTotals {
  return { costUsd: Number(row.costUsd), inputTokens: Number(row.inputTokens), outputTokens: Number(row.outputTokens), attempts: Number(row.attempts) };
}
