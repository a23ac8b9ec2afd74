/**
 * Activity proxies with explicit timeouts and retry policies, one per kind of work.
 * Cheap, idempotent steps run as local activities (no server round trip per step).
 */
import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../domain/failure-types.js';

/** Bookkeeping and cheap, bounded steps: persistence, events, routing, retrieval (each source has its own limit), QA. */
export const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 8, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

/** Model calls: long, heartbeating, retried with backoff by Temporal (provider SDK retries are off). */
export const modelCallOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
};
export const model = proxyActivities<Activities>(modelCallOptions);
