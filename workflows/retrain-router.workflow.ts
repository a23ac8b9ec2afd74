/**
 * `retrainRouterWorkflow`: retrains one tenant's routing classifier (catalog examples plus reviewer-confirmed
 * turns) and makes the result its current model. Started by the per-tenant Schedule the worker keeps
 * (`workers/retrain-schedule.ts`) or by hand.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RetrainRouterInput, RetrainRouterResult } from '../activities/routing/retrain.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../domain/failure-types.js';

/** Training is CPU-bound and takes seconds (minutes with many confirmed turns); it cannot heartbeat mid-fit. */
const training = proxyActivities<Pick<Activities, 'retrainRouter'>>({
  startToCloseTimeout: '15 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

export async function retrainRouterWorkflow(input: RetrainRouterInput): Promise<RetrainRouterResult> {
  return training.retrainRouter(input);
}
