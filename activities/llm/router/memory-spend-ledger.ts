/** The in-process `SpendLedger`: the embedded mode's default and the tests'. Same semantics as the Postgres one. */
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

interface LedgerRow extends SpendReservation {
  status: 'reserved' | 'recorded';
  settlement: SpendSettlement | null;
}

/**
 * Keeps every attempt in a map keyed by `callId` + attempt index. Budget checks read running sums of settled cost
 * per turn, conversation and tenant-day plus the unsettled reservations, so they stay O(calls in flight).
 */
export class InMemorySpendLedger implements SpendLedger {
  private readonly rows = new Map<string, LedgerRow>();
  private readonly unsettled = new Map<string, LedgerRow>();
  private readonly settledSums = new Map<string, number>();
  private readonly clock: Clock;
  private readonly reservationTtlMs: number;

  constructor(options: { clock?: Clock; reservationTtlMs?: number } = {}) {
    this.clock = options.clock ?? Date.now;
    this.reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  }

  reserve(reservation: SpendReservation, limits: BudgetLimits): Promise<ReserveOutcome> {
    const scopes = scopeKeys(reservation);
    const spent = {
      [BudgetScope.turn]: this.settledSums.get(scopes.turn) ?? 0,
      [BudgetScope.conversation]: this.settledSums.get(scopes.conversation) ?? 0,
      [BudgetScope.tenantDay]: this.settledSums.get(scopes.day) ?? 0,
    };
    const cutoff = this.clock() - this.reservationTtlMs;
    for (const row of this.unsettled.values()) {
      if (row.tenantId !== reservation.tenantId || row.at <= cutoff) continue;
      if (row.turnId === reservation.turnId) spent[BudgetScope.turn] += row.estimateUsd;
      if (row.conversationId === reservation.conversationId) spent[BudgetScope.conversation] += row.estimateUsd;
      if (row.day === reservation.day) spent[BudgetScope.tenantDay] += row.estimateUsd;
    }
    const outcome = checkBudgets(limits, spent, reservation.estimateUsd);
    const key = keyOf(reservation);
    if (outcome.reserved && !this.rows.has(key)) {
      const row: LedgerRow = { ...reservation, status: 'reserved', settlement: null };
      this.rows.set(key, row);
      this.unsettled.set(key, row);
    }
    return Promise.resolve(outcome);
  }

  settle(settlement: SpendSettlement): Promise<boolean> {
    const key = keyOf(settlement);
    const row = this.rows.get(key);
    if (row === undefined || row.status === 'recorded') return Promise.resolve(false);
    row.status = 'recorded';
    row.settlement = settlement;
    this.unsettled.delete(key);
    for (const scope of Object.values(scopeKeys(row))) this.settledSums.set(scope, (this.settledSums.get(scope) ?? 0) + settlement.costUsd);
    return Promise.resolve(true);
  }

  totals(filter: SpendFilter): Promise<SpendTotals> {
    return Promise.resolve(sum(this.recorded(filter)));
  }

  totalsBy(dimension: SpendDimension, filter: SpendFilter): Promise<(SpendTotals & { key: string })[]> {
    const groups = new Map<string, LedgerRow[]>();
    for (const row of this.recorded(filter)) {
      const key = dimensionKey(row, dimension);
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const result = [...groups].map(([key, rows]) => ({ key, ...sum(rows) }));
    return Promise.resolve(result.sort((left, right) => left.key.localeCompare(right.key)));
  }

  private recorded(filter: SpendFilter): LedgerRow[] {
    return [...this.rows.values()].filter((row) => row.status === 'recorded' && matches(row, filter));
  }
}

function scopeKeys(row: SpendReservation): { turn: string; conversation: string; day: string } {
  return { turn: `turn\u0000${row.tenantId}\u0000${row.turnId}`, conversation: `conversation\u0000${row.tenantId}\u0000${row.conversationId}`, day: `day\u0000${row.tenantId}\u0000${row.day}` };
}

function keyOf(key: { callId: string; attemptIndex: number }): string {
  return `${key.callId}\u0000${key.attemptIndex}`;
}

function matches(row: LedgerRow, filter: SpendFilter): boolean {
  return (
    (filter.tenantId === undefined || row.tenantId === filter.tenantId) &&
    (filter.conversationId === undefined || row.conversationId === filter.conversationId) &&
    (filter.turnId === undefined || row.turnId === filter.turnId) &&
    (filter.agentId === undefined || row.agentId === filter.agentId) &&
    (filter.provider === undefined || row.provider === filter.provider) &&
    (filter.modelId === undefined || row.modelId === filter.modelId) &&
    (filter.day === undefined || row.day === filter.day)
  );
}

function dimensionKey(row: LedgerRow, dimension: SpendDimension): string {
  switch (dimension) {
    case 'tenant':
      return row.tenantId;
    case 'conversation':
      return row.conversationId;
    case 'turn':
      return row.turnId;
    case 'agent':
      return row.agentId ?? '';
    case 'model':
      return `${row.provider}/${row.modelId}`;
    case 'day':
      return row.day;
  }
}

function sum(rows: LedgerRow[]): SpendTotals {
  const totals: SpendTotals = { costUsd: 0, inputTokens: 0, outputTokens: 0, attempts: 0 };
  for (const row of rows) {
    totals.costUsd += row.settlement?.costUsd ?? 0;
    totals.inputTokens += row.settlement?.usage.inputTokens ?? 0;
    totals.outputTokens += row.settlement?.usage.outputTokens ?? 0;
    totals.attempts += 1;
  }
  return totals;
}
