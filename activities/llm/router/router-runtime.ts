/** What a routed call needs besides its plan: the shared state and knobs of one `RoutedChatModel`. */
import type { ModelAttempt } from '../../../domain/types.js';
import type { CircuitBreaker, Clock } from './circuit-breaker.js';
import type { LatencyTracker } from './latency-tracker.js';
import type { BudgetLimits, SpendLedger } from './spend-ledger.js';

/** Waits `ms`, or rejects when `signal` aborts; injectable so tests do not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Receives every attempt (chosen, skipped, failed); `registerRouterMetrics` returns one for Prometheus. */
export interface RouterMetrics {
  recordAttempt(attempt: ModelAttempt, purpose: string): void;
}

export interface RouterRuntime {
  breaker: CircuitBreaker;
  ledger: SpendLedger;
  latency: LatencyTracker;
  metrics: RouterMetrics | undefined;
  clock: Clock;
  sleep: Sleep;
  budgetsFor(tenantId: string): BudgetLimits;
  /** Longest wait before retrying the same model (a 429's retry-after above it moves on at once). */
  sameModelRetryMaxWaitMs: number;
  /** Pause before retrying the same model after a network, 5xx or malformed-response glitch. */
  glitchRetryDelayMs: number;
  /** How long a provider is left alone after a 429 without retry-after. */
  defaultRateLimitPauseMs: number;
}
