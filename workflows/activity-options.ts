/**
 * Activity proxies with explicit timeouts and retry policies, one per kind of work.
 * Cheap, idempotent steps run as local activities (no server round trip per step).
 */
import { proxyActivities, proxyLocalActivities, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
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

/** Model calls of a fast in-process model (see `PipelineSettings.modelCallsAsLocalActivities`). */
export const localModelCallOptions: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
};
export const localModel = proxyLocalActivities<Activities>(localModelCallOptions);

/**
 * Routing that calls an LLM (`TurnPlan.routeCall`): a regular, heartbeating activity. One short structured
 * call; the router falls back to the offline classifier when the LLM fails, so retries only cover a lost
 * worker or a failed catalog read.
 */
export const routeCallOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
};

/** The route stage as a regular activity, with a summary for the Web UI. */
export function routeAsActivity(...args: Parameters<Activities['routeQuestion']>): ReturnType<Activities['routeQuestion']> {
  return model.routeQuestion.executeWithOptions({ ...routeCallOptions, summary: 'route the question to specialists' }, args);
}

type ModelActivities = Pick<Activities, 'runAgent' | 'reviewFindings' | 'synthesizeAnswer'>;

/** The model-calling activities of one turn, each with a one-line summary for the Web UI. */
export interface ModelCalls {
  runAgent(summary: string, ...args: Parameters<ModelActivities['runAgent']>): ReturnType<ModelActivities['runAgent']>;
  reviewFindings(summary: string, ...args: Parameters<ModelActivities['reviewFindings']>): ReturnType<ModelActivities['reviewFindings']>;
  synthesizeAnswer(summary: string, ...args: Parameters<ModelActivities['synthesizeAnswer']>): ReturnType<ModelActivities['synthesizeAnswer']>;
}

/** Regular or local activities for model calls, as the turn's plan says. */
export function modelCalls(plan: { modelCalls: 'activity' | 'local-activity' }): ModelCalls {
  if (plan.modelCalls === 'local-activity') {
    return {
      runAgent: (summary, input) => localModel.runAgent.executeWithOptions({ ...localModelCallOptions, summary }, [input]),
      reviewFindings: (summary, input) => localModel.reviewFindings.executeWithOptions({ ...localModelCallOptions, summary }, [input]),
      synthesizeAnswer: (summary, input) => localModel.synthesizeAnswer.executeWithOptions({ ...localModelCallOptions, summary }, [input]),
    };
  }
  return {
    runAgent: (summary, input) => model.runAgent.executeWithOptions({ ...modelCallOptions, summary }, [input]),
    reviewFindings: (summary, input) => model.reviewFindings.executeWithOptions({ ...modelCallOptions, summary }, [input]),
    synthesizeAnswer: (summary, input) => model.synthesizeAnswer.executeWithOptions({ ...modelCallOptions, summary }, [input]),
  };
}
