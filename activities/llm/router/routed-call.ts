/**
 * The attempt loop of one routed call, shared by `generate` and `stream`: hands out the next candidate that is
 * healthy and within budget (holding its price estimate), settles each attempt in the ledger, feeds breakers
 * and latency averages, and decides after a failure whether to retry the same model, move on, or stop.
 */
import type { ModelAttempt } from '../../../domain/types.js';
import type { CallOptions, ChatResult, ModelCallContext } from '../chat-model.js';
import { ProviderError, ProviderErrorKind, isProviderError } from '../provider-error.js';
import type { CallPlan, PlannedCandidate } from './candidate-plan.js';
import { priceOf } from './model-catalog.js';
import { BudgetExceededError, ContentPolicyError, ModelsUnavailableError, NoModelFitsError } from './router-errors.js';
import type { RouterError } from './router-errors.js';
import type { RouterRuntime } from './router-runtime.js';
import { utcDay } from './spend-ledger.js';
import type { BudgetScope } from './spend-ledger.js';

/** A candidate being called: its reservation is held under `attemptIndex`. */
export interface ActiveAttempt {
  candidate: PlannedCandidate;
  attemptIndex: number;
  startedAt: number;
}

/** Kinds that say nothing about the provider's health: the request was at fault. */
const REQUEST_FAULTS = new Set<string>([ProviderErrorKind.contextLength, ProviderErrorKind.contentPolicy]);
/** Kinds after which the provider is marked unhealthy at once (a wrong key, a rejected protocol). */
const TRIPPING_FAULTS = new Set<string>([ProviderErrorKind.authentication, ProviderErrorKind.badRequest]);
/** Transient glitches of one connection or response: worth one quick retry on the same model. */
const GLITCHES = new Set<string>([ProviderErrorKind.network, ProviderErrorKind.server, ProviderErrorKind.malformed]);

export class RoutedCall {
  readonly attempts: ModelAttempt[];
  private position = 0;
  private nextAttemptIndex = 0;
  private minimumWindow = 0;
  private retryCandidate: PlannedCandidate | undefined;
  private readonly retried = new Set<string>();
  private budgetRefusal: { scope: BudgetScope; limitUsd: number; spentUsd: number; headroomUsd: number; cheapestUsd: number } | undefined;
  private transientTrouble = false;
  private lastError: unknown;
  /** The breaker-skipped candidate that becomes available soonest (one short wait for it before giving up). */
  private soonest: { candidate: PlannedCandidate; retryInMs: number } | undefined;
  private waitedForSoonest = false;

  constructor(
    private readonly plan: CallPlan,
    private readonly context: ModelCallContext,
    private readonly purpose: string,
    private readonly runtime: RouterRuntime,
    private readonly options: CallOptions,
  ) {
    this.attempts = [...plan.excluded];
  }

  /** The next candidate to call, its reservation held; undefined when none is left. */
  async next(): Promise<ActiveAttempt | undefined> {
    const retry = this.retryCandidate;
    this.retryCandidate = undefined;
    if (retry !== undefined && (await this.admit(retry))) return this.start(retry);
    while (this.position < this.plan.candidates.length) {
      const candidate = this.plan.candidates[this.position++];
      if (candidate !== undefined && (await this.admit(candidate))) return this.start(candidate);
    }
    return this.waitForSoonest();
  }

  /** When every candidate was paused or behind an open breaker and one frees up within the retry cap, wait for it once. */
  private async waitForSoonest(): Promise<ActiveAttempt | undefined> {
    const soonest = this.soonest;
    if (soonest === undefined || this.waitedForSoonest || soonest.retryInMs > this.runtime.sameModelRetryMaxWaitMs) return undefined;
    this.waitedForSoonest = true;
    this.soonest = undefined;
    await this.runtime.sleep(soonest.retryInMs, this.options.abortSignal);
    return (await this.admit(soonest.candidate)) ? this.start(soonest.candidate) : undefined;
  }

  /** Settles a successful attempt and returns the result with cost and attempts. */
  async succeed(active: ActiveAttempt, result: ChatResult): Promise<ChatResult> {
    const { entry } = active.candidate;
    const latencyMs = this.runtime.clock() - active.startedAt;
    const costUsd = priceOf(entry, result.usage.inputTokens, result.usage.outputTokens);
    await this.runtime.ledger.settle({ callId: this.context.callId, attemptIndex: active.attemptIndex, outcome: 'ok', usage: result.usage, costUsd, latencyMs });
    await this.runtime.breaker.recordSuccess(entry.provider);
    this.runtime.latency.observe(entry.id, latencyMs);
    this.record({ provider: entry.provider, modelId: entry.modelId, outcome: 'ok', reason: active.candidate.reason, latencyMs, usage: result.usage, costUsd });
    return { ...result, costUsd, attempts: this.attempts };
  }

  /**
   * Settles a failed attempt and decides what comes next: returns to try another (or the same) model, or throws
   * when the call must stop here (content policy, output already streamed, cancellation).
   */
  async fail(active: ActiveAttempt, error: unknown, afterFirstToken: boolean): Promise<void> {
    const { entry } = active.candidate;
    const latencyMs = this.runtime.clock() - active.startedAt;
    const providerError = asProviderError(error, active, afterFirstToken);
    await this.runtime.ledger.settle({ callId: this.context.callId, attemptIndex: active.attemptIndex, outcome: 'failed', usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, latencyMs });
    this.record({ provider: entry.provider, modelId: entry.modelId, outcome: 'failed', reason: failureReason(providerError), latencyMs });
    this.lastError = providerError;
    if (REQUEST_FAULTS.has(providerError.kind)) await this.runtime.breaker.recordSuccess(entry.provider);
    else await this.runtime.breaker.recordFailure(entry.provider, { trip: TRIPPING_FAULTS.has(providerError.kind) });
    if (this.options.abortSignal?.aborted === true) throw error;
    if (providerError.afterFirstToken) throw providerError;
    if (providerError.kind === ProviderErrorKind.contentPolicy) throw new ContentPolicyError(entry.provider, entry.modelId, this.attempts, providerError);
    if (providerError.kind === ProviderErrorKind.contextLength) this.minimumWindow = Math.max(this.minimumWindow, entry.contextWindow);
    else if (providerError.retryable) await this.afterTransientFailure(active.candidate, providerError);
  }

  /** The attempt ended without a result because the stream's consumer stopped: bill the held estimate. */
  async abandon(active: ActiveAttempt): Promise<void> {
    const { candidate } = active;
    const latencyMs = this.runtime.clock() - active.startedAt;
    const usage = { inputTokens: candidate.inputTokens, outputTokens: candidate.maxOutputTokens };
    await this.runtime.ledger.settle({ callId: this.context.callId, attemptIndex: active.attemptIndex, outcome: 'abandoned', usage, costUsd: candidate.estimateUsd, latencyMs });
    this.record({ provider: candidate.entry.provider, modelId: candidate.entry.modelId, outcome: 'failed', reason: 'abandoned by the caller', latencyMs });
  }

  /** The error to throw once `next()` has nothing left. */
  exhausted(): RouterError {
    const refusal = this.budgetRefusal;
    if (refusal !== undefined && !this.transientTrouble) {
      return new BudgetExceededError(refusal.scope, refusal.limitUsd, refusal.spentUsd, refusal.cheapestUsd, this.attempts);
    }
    if (!this.transientTrouble) return new NoModelFitsError(`No configured model can take this ${this.purpose} call`, this.attempts, { cause: this.lastError });
    return new ModelsUnavailableError(`Every eligible model failed or is unhealthy for this ${this.purpose} call`, this.attempts, { cause: this.lastError });
  }

  private async afterTransientFailure(candidate: PlannedCandidate, error: ProviderError): Promise<void> {
    this.transientTrouble = true;
    const { entry } = candidate;
    const maxWaitMs = this.runtime.sameModelRetryMaxWaitMs;
    const wait = error.kind === ProviderErrorKind.rateLimited ? error.retryAfterMs : GLITCHES.has(error.kind) ? this.runtime.glitchRetryDelayMs : undefined;
    if (wait !== undefined && wait <= maxWaitMs && !this.retried.has(entry.id)) {
      this.retried.add(entry.id);
      this.retryCandidate = candidate;
      await this.runtime.sleep(wait, this.options.abortSignal);
      return;
    }
    if (error.kind === ProviderErrorKind.rateLimited) {
      await this.runtime.breaker.pause(entry.provider, entry.modelId, this.runtime.clock() + (error.retryAfterMs ?? this.runtime.defaultRateLimitPauseMs));
    }
  }

  /** Window, budget and breaker checks; records a skipped attempt and returns false when the candidate is out. */
  private async admit(candidate: PlannedCandidate): Promise<boolean> {
    const { entry } = candidate;
    if (entry.contextWindow <= this.minimumWindow) return this.skip(candidate, `window ${entry.contextWindow} not larger than one that overflowed`, false);
    if (this.budgetRefusal !== undefined && candidate.estimateUsd > this.budgetRefusal.headroomUsd) return this.skipOverBudget(candidate);
    const decision = await this.runtime.breaker.acquire(entry.provider, entry.modelId);
    if (!decision.allowed) {
      if (this.soonest === undefined || decision.retryInMs < this.soonest.retryInMs) this.soonest = { candidate, retryInMs: decision.retryInMs };
      return this.skip(candidate, decision.reason, true);
    }
    const outcome = await this.runtime.ledger.reserve(this.reservationOf(candidate), this.runtime.budgetsFor(this.context.tenantId));
    if (outcome.reserved) return true;
    const headroomUsd = Math.max(0, outcome.limitUsd - outcome.spentUsd);
    const cheapestUsd = Math.min(this.budgetRefusal?.cheapestUsd ?? Infinity, candidate.estimateUsd);
    this.budgetRefusal = { scope: outcome.scope, limitUsd: outcome.limitUsd, spentUsd: outcome.spentUsd, headroomUsd, cheapestUsd };
    return this.skipOverBudget(candidate);
  }

  private skipOverBudget(candidate: PlannedCandidate): false {
    const refusal = this.budgetRefusal;
    if (refusal !== undefined) refusal.cheapestUsd = Math.min(refusal.cheapestUsd, candidate.estimateUsd);
    const detail = refusal === undefined ? '' : ` (up to $${candidate.estimateUsd.toFixed(6)}, $${refusal.headroomUsd.toFixed(6)} left)`;
    return this.skip(candidate, `would exceed the ${refusal?.scope ?? ''} budget${detail}`, false);
  }

  private skip(candidate: PlannedCandidate, reason: string, transient: boolean): false {
    if (transient) this.transientTrouble = true;
    this.record({ provider: candidate.entry.provider, modelId: candidate.entry.modelId, outcome: 'skipped', reason, latencyMs: 0 });
    return false;
  }

  private start(candidate: PlannedCandidate): ActiveAttempt {
    const attemptIndex = this.nextAttemptIndex++;
    return { candidate, attemptIndex, startedAt: this.runtime.clock() };
  }

  private reservationOf(candidate: PlannedCandidate) {
    const at = this.runtime.clock();
    const { tenantId, conversationId, turnId, callId } = this.context;
    const { provider, modelId } = candidate.entry;
    return { callId, attemptIndex: this.nextAttemptIndex, tenantId, conversationId, turnId, agentId: this.context.agentId ?? null, purpose: this.purpose, provider, modelId, estimateUsd: candidate.estimateUsd, day: utcDay(at), at };
  }

  private record(attempt: ModelAttempt): void {
    this.attempts.push(attempt);
    this.runtime.metrics?.recordAttempt(attempt, this.purpose);
  }
}

function asProviderError(error: unknown, active: ActiveAttempt, afterFirstToken: boolean): ProviderError {
  const { provider, modelId } = active.candidate.entry;
  if (isProviderError(error) && (error.afterFirstToken || !afterFirstToken)) return error;
  const kind = isProviderError(error) ? error.kind : ProviderErrorKind.server;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(message, { kind, provider, modelId, afterFirstToken, cause: error });
}

function failureReason(error: ProviderError): string {
  const status = error.status === undefined ? '' : `${error.status} `;
  const retryAfter = error.retryAfterMs === undefined ? '' : ` (retry after ${error.retryAfterMs} ms)`;
  return `${status}${error.kind}${retryAfter}${error.afterFirstToken ? ' after the first token' : ''}: ${error.message}`;
}
