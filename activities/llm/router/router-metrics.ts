/**
 * Prometheus counters of the router: attempts by outcome, tokens and cost by model. Register them once per
 * registry (the worker's `/metrics` registry) and pass the returned `RouterMetrics` to the router.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ModelAttempt } from '../../../domain/types.js';
import type { RouterMetrics } from './router-runtime.js';

/** Metric names, for dashboards and alerts. */
export const ROUTER_METRIC_NAMES = {
  attempts: 'agentcraft_llm_attempts_total',
  tokens: 'agentcraft_llm_tokens_total',
  cost: 'agentcraft_llm_cost_usd_total',
  duration: 'agentcraft_llm_attempt_duration_seconds',
} as const;

/** Model calls take from a fraction of a second to minutes (long streamed answers). */
const DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/** Registers the router's counters on `registry` and returns the sink the router writes to. */
export function registerRouterMetrics(registry: Registry): RouterMetrics {
  const attempts = new Counter({
    name: ROUTER_METRIC_NAMES.attempts,
    help: 'Model attempts made by the LLM router, by outcome (ok, failed, skipped)',
    labelNames: ['provider', 'model', 'purpose', 'outcome'] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: ROUTER_METRIC_NAMES.tokens,
    help: 'Tokens used by successful model calls, by direction (input, output)',
    labelNames: ['provider', 'model', 'purpose', 'direction'] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: ROUTER_METRIC_NAMES.cost,
    help: 'Cost in USD of successful model calls at catalog prices',
    labelNames: ['provider', 'model', 'purpose'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: ROUTER_METRIC_NAMES.duration,
    help: 'Latency of one model attempt that reached a provider, by outcome (ok, failed)',
    labelNames: ['provider', 'model', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    recordAttempt(attempt: ModelAttempt, purpose: string): void {
      const labels = { provider: attempt.provider, model: attempt.modelId, purpose };
      attempts.inc({ ...labels, outcome: attempt.outcome });
      if (attempt.outcome !== 'skipped') duration.observe({ provider: attempt.provider, model: attempt.modelId, outcome: attempt.outcome }, Math.max(0, attempt.latencyMs) / 1000);
      if (attempt.usage !== undefined) {
        tokens.inc({ ...labels, direction: 'input' }, attempt.usage.inputTokens);
        tokens.inc({ ...labels, direction: 'output' }, attempt.usage.outputTokens);
      }
      if (attempt.costUsd !== undefined) cost.inc(labels, attempt.costUsd);
    },
  };
}
