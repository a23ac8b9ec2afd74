/**
 * The spend ledger port: where the router reserves a price estimate before a call (checking budgets
 * atomically, so parallel agents of one turn cannot overspend together) and records what the call really
 * cost. One row per router attempt, keyed by `callId` + attempt index: settling the same key twice bills once.
 * A call retried by Temporal has a new `callId`, so each of its attempts is billed for what it used.
 */
import type { TokenUsage } from '../../../domain/types.js';

/** The budgets a call is checked against. */
export const BudgetScope = { turn: 'turn', conversation: 'conversation', tenantDay: 'tenant-day' } as const;
export type BudgetScope = (typeof BudgetScope)[keyof typeof BudgetScope];

/** Spending limits in USD; an unset limit is unlimited. The tenant's day is the UTC calendar day. */
export interface BudgetLimits {
  turnUsd?: number;
  conversationUsd?: number;
  tenantDayUsd?: number;
}

/** Identifies one router attempt. */
export interface SpendKey {
  callId: string;
  attemptIndex: number;
}

/** A price estimate held against the budgets until the attempt settles. */
export interface SpendReservation extends SpendKey {
  tenantId: string;
  conversationId: string;
  turnId: string;
  agentId: string | null;
  purpose: string;
  provider: string;
  modelId: string;
  estimateUsd: number;
  /** UTC day of the call, `YYYY-MM-DD`. */
  day: string;
  /** Epoch ms of the reservation (unsettled reservations stop counting after the ledger's TTL). */
  at: number;
}

/** Result of a reservation: held, or refused by the budget with the least headroom. */
export type ReserveOutcome =
  | { reserved: true }
  | { reserved: false; scope: BudgetScope; limitUsd: number; spentUsd: number };

/** What an attempt really used. */
export interface SpendSettlement extends SpendKey {
  outcome: 'ok' | 'failed' | 'abandoned';
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
}

/** Narrows totals; every field set must match. */
export interface SpendFilter {
  tenantId?: string;
  conversationId?: string;
  turnId?: string;
  agentId?: string;
  provider?: string;
  modelId?: string;
  day?: string;
}

/** Sums over settled attempts. */
export interface SpendTotals {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  attempts: number;
}

/** Dimensions totals can be grouped by. */
export type SpendDimension = 'tenant' | 'conversation' | 'turn' | 'agent' | 'model' | 'day';

/** Where model spend is reserved, recorded and summed. */
export interface SpendLedger {
  /** Holds `estimateUsd` if every limit still has room for it (settled cost + live reservations + estimate ≤ limit). */
  reserve(reservation: SpendReservation, limits: BudgetLimits): Promise<ReserveOutcome>;
  /** Replaces the reservation by the real cost; returns false (and changes nothing) if the key was already settled. */
  settle(settlement: SpendSettlement): Promise<boolean>;
  totals(filter: SpendFilter): Promise<SpendTotals>;
  /** Totals per value of `dimension` (`model` keys are `provider/modelId`, `agent` keys are '' without agent). */
  totalsBy(dimension: SpendDimension, filter: SpendFilter): Promise<(SpendTotals & { key: string })[]>;
}

/** Default time after which an unsettled reservation (a crashed worker's) stops counting: 15 minutes. */
export const DEFAULT_RESERVATION_TTL_MS = 15 * 60 * 1000;

/** Limits in the order checked, with their scope. */
export function limitsOf(limits: BudgetLimits): { scope: BudgetScope; limitUsd: number }[] {
  const entries: { scope: BudgetScope; limitUsd: number | undefined }[] = [
    { scope: BudgetScope.turn, limitUsd: limits.turnUsd },
    { scope: BudgetScope.conversation, limitUsd: limits.conversationUsd },
    { scope: BudgetScope.tenantDay, limitUsd: limits.tenantDayUsd },
  ];
  return entries.filter((entry): entry is { scope: BudgetScope; limitUsd: number } => entry.limitUsd !== undefined);
}

/** Floating-point slack so that spending exactly the limit is allowed. */
const EPSILON_USD = 1e-9;

/** The refusal for the budget with the least headroom, or `reserved: true` when the estimate fits all of them. */
export function checkBudgets(limits: BudgetLimits, spent: Record<BudgetScope, number>, estimateUsd: number): ReserveOutcome {
  let tightest: { scope: BudgetScope; limitUsd: number; spentUsd: number } | undefined;
  for (const { scope, limitUsd } of limitsOf(limits)) {
    const spentUsd = spent[scope];
    if (tightest === undefined || limitUsd - spentUsd < tightest.limitUsd - tightest.spentUsd) tightest = { scope, limitUsd, spentUsd };
  }
  if (tightest === undefined || tightest.spentUsd + estimateUsd <= tightest.limitUsd + EPSILON_USD) return { reserved: true };
  return { reserved: false, ...tightest };
}

/** `YYYY-MM-DD` of an epoch-ms instant, in UTC. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
