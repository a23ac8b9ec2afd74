/**
 * `createActivities(deps)` returns every activity of the turn pipeline; the worker injects the clients.
 * Workflows import only the *type* `Activities` from here.
 */
import { createBlackboardActivities } from './agents/review-findings.js';
import { createAgentActivities } from './agents/run-agent.js';
import type { ActivityDependencies } from './dependencies.js';
import { createIngestionActivities } from './knowledge/ingestion/ingestion-activities.js';
import { createReembedActivities } from './knowledge/reembed-activities.js';
import { createQaActivities } from './qa/check-quality.js';
import { createReviewActivities } from './review/review-activities.js';
import { createRetrievalActivities } from './retrieval/retrieve.js';
import { createRetrainActivities } from './routing/retrain.js';
import { createRoutingActivities } from './routing/route-question.js';
import { createSynthesisActivities } from './synthesis/synthesize-answer.js';
import { createTurnLifecycleActivities } from './turn/turn-lifecycle.js';
import { createWebhookActivities } from './webhooks/deliver.js';

export type { ActivityDependencies, PipelineSettings, ReviewPolicy } from './dependencies.js';

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createTurnLifecycleActivities(dependencies),
    ...createRoutingActivities(dependencies),
    ...createRetrainActivities(dependencies),
    ...createRetrievalActivities(dependencies),
    ...createAgentActivities(dependencies),
    ...createBlackboardActivities(dependencies),
    ...createSynthesisActivities(dependencies),
    ...createQaActivities(dependencies),
    ...createReviewActivities(dependencies),
    ...createIngestionActivities(dependencies),
    ...createReembedActivities(dependencies),
    ...createWebhookActivities(dependencies),
  };
}

export type Activities = ReturnType<typeof createActivities>;
