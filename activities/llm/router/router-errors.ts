/**
 * Errors the router throws after it has given up on a call. Each carries every attempt it made (for the turn
 * trace), a stable `failureType` for `ApplicationFailure`, and whether Temporal should retry the activity.
 * A `ProviderError` with `afterFirstToken` is rethrown as-is instead: the activity retries and emits
 * `stream-reset`.
 */
import { FailureType } from '../../../domain/failure-types.js';
import type { ModelAttempt } from '../../../domain/types.js';
import type { BudgetScope } from './spend-ledger.js';

/** Failure types of the router beyond `domain/failure-types.ts` (the lead lists them there). */
export const RouterFailureType = {
  /** A budget (turn, conversation or tenant per day) has no room for any model: escalate to a human. */
  BudgetExceeded: 'BudgetExceeded',
  /** No model in the catalog can ever take this call (too large, privacy, capabilities): escalate. */
  NoModelFits: 'NoModelFits',
  /** Every model that could take the call failed or is unhealthy right now: retry later. */
  ModelsUnavailable: 'ModelsUnavailable',
} as const;
export type RouterFailureType = (typeof RouterFailureType)[keyof typeof RouterFailureType];

/** Base of the router's errors. */
export abstract class RouterError extends Error {
  abstract readonly failureType: string;
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    readonly attempts: ModelAttempt[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No model fits the remaining budget. Non-retryable: the activity escalates the turn. */
export class BudgetExceededError extends RouterError {
  override readonly name = 'BudgetExceededError';
  readonly failureType = RouterFailureType.BudgetExceeded;
  readonly retryable = false;

  constructor(
    readonly budget: BudgetScope,
    readonly limitUsd: number,
    readonly spentUsd: number,
    /** The cheapest estimate among the models that were refused. */
    readonly cheapestEstimateUsd: number,
    attempts: ModelAttempt[],
  ) {
    super(
      `The ${budget} budget of $${limitUsd.toFixed(4)} has $${Math.max(0, limitUsd - spentUsd).toFixed(4)} left; ` +
        `the cheapest eligible model needs up to $${cheapestEstimateUsd.toFixed(4)}`,
      attempts,
    );
  }
}

/** The provider refused for content-policy reasons. Not retried on another model; the caller escalates. */
export class ContentPolicyError extends RouterError {
  override readonly name = 'ContentPolicyError';
  readonly failureType = FailureType.ContentPolicy;
  readonly retryable = false;

  constructor(
    readonly provider: string,
    readonly modelId: string,
    attempts: ModelAttempt[],
    cause: unknown,
  ) {
    super(`${provider}/${modelId} refused the request for content-policy reasons`, attempts, { cause });
  }
}

/** No configured model can take this call, whatever happens to provider health. Non-retryable. */
export class NoModelFitsError extends RouterError {
  override readonly name = 'NoModelFitsError';
  readonly failureType = RouterFailureType.NoModelFits;
  readonly retryable = false;
}

/** Every eligible model failed or was unhealthy. Retryable: Temporal tries the activity again later. */
export class ModelsUnavailableError extends RouterError {
  override readonly name = 'ModelsUnavailableError';
  readonly failureType = RouterFailureType.ModelsUnavailable;
  readonly retryable = true;
}

/** The caller forgot `CallOptions.context`: accounting cannot be skipped, so this is a programming error. */
export class MissingCallContextError extends Error {
  override readonly name = 'MissingCallContextError';
  constructor() {
    super('RoutedChatModel needs CallOptions.context (tenant, conversation, turn, callId) on every call');
  }
}
