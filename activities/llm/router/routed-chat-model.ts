/**
 * The adaptive router: a `ChatModel` that sends each call to the cheapest healthy model able to do it.
 * Order of candidates: `candidate-plan.ts`; the attempt loop (breakers, budgets, fallback): `routed-call.ts`.
 * Models are switched only before the first token: once a stream has yielded text, a failure is rethrown as
 * a `ProviderError` with `afterFirstToken`, so two models' outputs are never stitched together.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart, ModelCallContext } from '../chat-model.js';
import { ProviderError, ProviderErrorKind } from '../provider-error.js';
import { DEFAULT_COST_BAND, planCall } from './candidate-plan.js';
import type { CostBand, PlanSettings, RoutedModel } from './candidate-plan.js';
import { InMemoryCircuitBreaker } from './circuit-breaker.js';
import type { CircuitBreaker, Clock } from './circuit-breaker.js';
import { LatencyTracker } from './latency-tracker.js';
import { InMemorySpendLedger } from './memory-spend-ledger.js';
import type { CatalogEntry, ModelCatalog } from './model-catalog.js';
import { RoutedCall } from './routed-call.js';
import type { ActiveAttempt } from './routed-call.js';
import { MissingCallContextError } from './router-errors.js';
import type { RouterMetrics, RouterRuntime, Sleep } from './router-runtime.js';
import type { BudgetLimits, SpendLedger } from './spend-ledger.js';
import { DEFAULT_TIER_POLICY } from './tier-policy.js';
import type { TierPolicy } from './tier-policy.js';

/** Everything the router is built from; only `catalog` and `createChatModel` are required. */
export interface RoutedChatModelOptions {
  catalog: ModelCatalog;
  /** The adapter for one catalog entry, or undefined when its provider is not configured (no key, no URL). */
  createChatModel: (entry: CatalogEntry) => ChatModel | undefined;
  /** Default: in process (embedded mode). Production: `PostgresSpendLedger`. */
  ledger?: SpendLedger;
  /** Default: in process (embedded mode). Production: `RedisCircuitBreaker`. */
  breaker?: CircuitBreaker;
  /** Limits for every tenant (default: none). */
  budgets?: BudgetLimits;
  /** Per-tenant limits, merged over `budgets`. */
  tenantBudgets?: Record<string, BudgetLimits>;
  tierPolicy?: TierPolicy;
  costBand?: CostBand;
  /** Weight of the newest latency sample in the moving average (default 0.2). */
  latencySmoothing?: number;
  /** Output tokens assumed (and requested) when a request sets no `maxOutputTokens` (default 1024). */
  defaultMaxOutputTokens?: number;
  /** Longest retry-after honoured by waiting and retrying the same model (default 1000 ms). */
  sameModelRetryMaxWaitMs?: number;
  /** Pause before retrying the same model after a network, 5xx or malformed glitch (default 100 ms). */
  glitchRetryDelayMs?: number;
  /** How long a provider is left alone after a 429 that gave no retry-after (default 5000 ms). */
  defaultRateLimitPauseMs?: number;
  metrics?: RouterMetrics;
  clock?: Clock;
  sleep?: Sleep;
}

const defaultSleep: Sleep = async (ms, signal) => {
  await sleepFor(ms, undefined, signal === undefined ? undefined : { signal });
};

/** The router as a `ChatModel`; pass `CallOptions.context` on every call. */
export class RoutedChatModel implements ChatModel {
  readonly provider = 'router';
  readonly modelId = 'adaptive';
  readonly catalog: ModelCatalog;
  /** The catalog entries whose provider is configured, with their adapters, in catalog order. */
  readonly models: readonly RoutedModel[];
  readonly breaker: CircuitBreaker;
  readonly ledger: SpendLedger;
  readonly latency: LatencyTracker;
  private readonly runtime: RouterRuntime;
  private readonly planSettings: PlanSettings;

  constructor(options: RoutedChatModelOptions) {
    this.catalog = options.catalog;
    this.models = options.catalog.models.flatMap((entry) => {
      const model = options.createChatModel(entry);
      return model === undefined ? [] : [{ entry, model }];
    });
    const clock = options.clock ?? Date.now;
    this.breaker = options.breaker ?? new InMemoryCircuitBreaker({ clock });
    this.ledger = options.ledger ?? new InMemorySpendLedger({ clock });
    this.latency = new LatencyTracker(options.latencySmoothing);
    this.runtime = {
      breaker: this.breaker,
      ledger: this.ledger,
      latency: this.latency,
      metrics: options.metrics,
      clock,
      sleep: options.sleep ?? defaultSleep,
      budgetsFor: (tenantId) => ({ ...options.budgets, ...options.tenantBudgets?.[tenantId] }),
      sameModelRetryMaxWaitMs: options.sameModelRetryMaxWaitMs ?? 1_000,
      glitchRetryDelayMs: options.glitchRetryDelayMs ?? 100,
      defaultRateLimitPauseMs: options.defaultRateLimitPauseMs ?? 5_000,
    };
    this.planSettings = {
      tierPolicy: options.tierPolicy ?? DEFAULT_TIER_POLICY,
      latency: this.latency,
      costBand: options.costBand ?? DEFAULT_COST_BAND,
      defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? 1_024,
    };
  }

  /**
   * Answers with the first candidate that succeeds; the result carries `costUsd` and every attempt.
   * Throws `BudgetExceededError`, `ContentPolicyError`, `NoModelFitsError` or `ModelsUnavailableError`.
   */
  async generate(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const call = this.begin(request, options, false);
    for (let active = await call.next(); active !== undefined; active = await call.next()) {
      let result: ChatResult;
      try {
        result = await active.candidate.model.generate(requestFor(request, active), options);
      } catch (error) {
        await call.fail(active, error, false);
        continue;
      }
      return call.succeed(active, result);
    }
    throw call.exhausted();
  }

  /**
   * Streams the deltas of exactly one model, then a `finish` part with cost and attempts. Fails over only while
   * nothing has been yielded; after that a failure is a `ProviderError` with `afterFirstToken: true`.
   */
  async *stream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<ChatStreamPart> {
    const call = this.begin(request, options, true);
    for (let active = await call.next(); active !== undefined; active = await call.next()) {
      let yielded = false;
      let settled = false;
      try {
        let finish: ChatResult | undefined;
        for await (const part of active.candidate.model.stream(requestFor(request, active), options)) {
          if (part.type === 'finish') {
            finish = part.result;
          } else {
            yielded = true;
            yield part;
          }
        }
        if (finish === undefined) throw endedWithoutFinish(active, yielded);
        settled = true;
        yield { type: 'finish', result: await call.succeed(active, finish) };
        return;
      } catch (error) {
        settled = true;
        await call.fail(active, error, yielded);
      } finally {
        if (!settled) await call.abandon(active);
      }
    }
    throw call.exhausted();
  }

  private begin(request: ChatRequest, options: CallOptions, streaming: boolean): RoutedCall {
    const context: ModelCallContext | undefined = options.context;
    if (context === undefined) throw new MissingCallContextError();
    const plan = planCall([...this.models], request, context, streaming, this.planSettings);
    return new RoutedCall(plan, context, request.purpose, this.runtime, options);
  }
}

/** The request as sent to one model: with the output budget its price estimate assumed. */
function requestFor(request: ChatRequest, active: ActiveAttempt): ChatRequest {
  return request.maxOutputTokens === active.candidate.maxOutputTokens ? request : { ...request, maxOutputTokens: active.candidate.maxOutputTokens };
}

function endedWithoutFinish(active: ActiveAttempt, afterFirstToken: boolean): ProviderError {
  const { provider, modelId } = active.candidate.entry;
  return new ProviderError('stream ended without a finish event', { kind: ProviderErrorKind.stalled, provider, modelId, afterFirstToken });
}
