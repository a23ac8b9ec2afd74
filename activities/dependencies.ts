import type { Logger } from '../domain/logger.js';
import type { EventLog } from './events/event-log.js';
import type { KnowledgeServices } from './knowledge/knowledge-services.js';
import type { ChatModel } from './llm/chat-model.js';
import type { TurnMetrics } from './metrics/turn-metrics.js';
import type { Store } from './persistence/store.js';
import type { QaPolicyOverrides } from './qa/policy-schema.js';

/** Turn-pipeline settings read from configuration by the worker. */
export interface PipelineSettings {
  /** Answers with citations below this confidence are escalated to a human. */
  qaMinConfidence: number;
  /** How long an escalated turn waits for a reviewer before its fallback policy applies. */
  reviewTimeoutMs: number;
  /**
   * Run model calls as local activities (no server round trip) instead of regular, heartbeating
   * activities. Right for a fast in-process model (the offline model at zero latency); wrong for remote
   * providers, whose calls are long and must survive a worker crash mid-call.
   */
  modelCallsAsLocalActivities: boolean;
  /** Reminders, holding text and what happens at the deadline (`reviewTimeoutMs`); defaults in `reviewPolicyOf`. */
  review?: Partial<Omit<ReviewPolicy, 'deadlineMs'>>;
  /** QA policy overrides per tenant (PII actions, rules, thresholds); tenants not listed get the default policy. */
  qaPolicies?: Record<string, QaPolicyOverrides>;
  /** What an out-of-scope question gets (default: a polite decline). */
  outOfScopeAction?: 'decline' | 'offer-human';
}

/** How a review runs: reminders while it waits, and what the customer gets if nobody decides in time. */
export interface ReviewPolicy {
  /** Remind reviewers this long after the escalation, and again every interval, until the deadline. */
  remindAfterMs: number;
  /** The final deadline (from `reviewTimeoutMs`). */
  deadlineMs: number;
  /** At the deadline: send a safe fallback answer, or hand the conversation over to a person. */
  timeoutAction: 'fallback' | 'handover';
  /** Shown to the customer while the review runs. */
  holdingMessage: string;
}

export const DEFAULT_HOLDING_MESSAGE = 'A specialist is reviewing your question to make sure you get the right answer. We will reply here shortly.';

/** The review policy from the settings, with defaults: remind after a quarter of the deadline, then fall back. */
export function reviewPolicyOf(settings: PipelineSettings): ReviewPolicy {
  return {
    remindAfterMs: settings.review?.remindAfterMs ?? Math.max(1000, Math.floor(settings.reviewTimeoutMs / 4)),
    deadlineMs: settings.reviewTimeoutMs,
    timeoutAction: settings.review?.timeoutAction ?? 'fallback',
    holdingMessage: settings.review?.holdingMessage ?? DEFAULT_HOLDING_MESSAGE,
  };
}

/** Clients the worker injects into `createActivities`. */
export interface ActivityDependencies {
  store: Store;
  eventLog: EventLog;
  chatModel: ChatModel;
  logger: Logger;
  settings: PipelineSettings;
  /** Turn, stage and escalation metrics (the worker's `/metrics`); absent: nothing is measured. */
  metrics?: TurnMetrics;
  /** Vector store, embeddings and live web for the knowledge layer; absent: lexical knowledge search only, no live web. */
  knowledge?: KnowledgeServices;
}
