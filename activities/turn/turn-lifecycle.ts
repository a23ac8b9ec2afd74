import { EventType, type Stage } from '../../domain/constants.js';
import type { ConversationStatus, StageTiming, TurnResult } from '../../domain/types.js';
import { TurnStatus } from '../../domain/types.js';
import { reviewPolicyOf, type ActivityDependencies, type ReviewPolicy } from '../dependencies.js';
import { activityWorkflowId, publishEvent, type TurnRef } from '../events/publisher.js';
import { TurnOutcome, outcomeOfDelivered, secondsSince } from '../metrics/turn-metrics.js';
import type { MessageRecord, Store } from '../persistence/store.js';
import { createStageRecorder, type StageOutcome, type TurnTracePatch } from './stage-recorder.js';
import { createWebhookDispatcher } from '../webhooks/dispatch.js';
import { routingCallsModel } from '../routing/route-question.js';

export type { TurnTracePatch };

export interface BeginTurnInput extends TurnRef {
  tenantId: string;
  customerId: string | null;
  turnNumber: number;
  workflowId: string;
  message: string;
  metadata: Record<string, unknown>;
}

/** How this turn runs, decided by the worker's configuration when the turn begins. */
export interface TurnPlan {
  modelCalls: 'activity' | 'local-activity';
  /**
   * How the route stage runs: a regular activity when routing calls an LLM (it survives a worker crash
   * mid-call, heartbeats, shows in the Web UI), a local one for the offline classifier. Absent in plans
   * recorded before routing could run as an activity (those route locally).
   */
  routeCall?: 'activity' | 'local-activity';
  /** How a review of this turn runs (absent in plans recorded before review policies existed). */
  review?: ReviewPolicy;
  /** What an out-of-scope question gets: a polite decline, or a decline that offers a person. */
  outOfScope?: 'decline' | 'offer-human';
}

export interface StageStartedInput extends TurnRef {
  stage: Stage;
}

export interface StageFinishedInput extends TurnRef, StageOutcome {
  stage: Stage;
  startedAt: string;
}

export interface DeliverAnswerInput extends TurnRef {
  result: TurnResult;
  trace: TurnTracePatch;
}

export interface FailTurnInput extends TurnRef {
  reason: string;
}

export interface RecordConversationStatusInput {
  conversationId: string;
  tenantId: string;
  customerId: string | null;
  status: ConversationStatus;
  /** Who took the conversation over or released it. */
  agent?: string;
}

/** Shown to the customer when a turn fails for good; the failure itself is in the trace. */
export const FAILED_TURN_ANSWER =
  'Sorry — something went wrong while preparing this answer. Please try again in a moment; nothing you sent was lost.';

/**
 * How routing runs: as a regular activity when it calls an LLM, unless the operator forced model calls to
 * local activities (`AGENTCRAFT_MODEL_CALLS=local-activity`, the only way a remote model gets that setting).
 */
function routeCallOf(dependencies: Pick<ActivityDependencies, 'chatModel' | 'settings'>): NonNullable<TurnPlan['routeCall']> {
  return routingCallsModel(dependencies.chatModel) && !dependencies.settings.modelCallsAsLocalActivities ? 'activity' : 'local-activity';
}

/** Stores a turn's message once: its id is derived from the turn id and role, so retries are no-ops. */
function saveTurnMessage(store: Store, turn: TurnRef, message: Pick<MessageRecord, 'role' | 'content' | 'citations' | 'confidence'>): Promise<MessageRecord> {
  return store.saveMessage({ id: `${turn.turnId}:${message.role}`, conversationId: turn.conversationId, turnId: turn.turnId, ...message });
}

export function createTurnLifecycleActivities(dependencies: ActivityDependencies) {
  const { store, eventLog, metrics } = dependencies;
  const stages = createStageRecorder(dependencies);
  const dispatchWebhookEvent = createWebhookDispatcher(dependencies);
  /** Turn start → now, from the turn row (read only when metrics are on). */
  const turnSeconds = async (turnId: string) => secondsSince((await store.getTurn(turnId).catch(() => null))?.createdAt);
  /** A logger that carries the ids an operator searches by (conversation, turn, workflow). */
  const turnLogger = (turn: TurnRef) =>
    dependencies.logger.child({ conversationId: turn.conversationId, turnId: turn.turnId, workflowId: activityWorkflowId() });
  return {
    /**
     * Persists the user's message and the turn row, publishes `turn-started`, and returns the turn's
     * execution plan (recorded in history, so replays take the same path). Idempotent.
     */
    async beginTurn(input: BeginTurnInput): Promise<TurnPlan> {
      await store.ensureConversation({ id: input.conversationId, tenantId: input.tenantId, customerId: input.customerId });
      await saveTurnMessage(store, input, { role: 'user', content: input.message, citations: [], confidence: null });
      await store.startTurn({ id: input.turnId, conversationId: input.conversationId, turnNumber: input.turnNumber, workflowId: input.workflowId });
      turnLogger(input).info({ turnNumber: input.turnNumber }, 'turn started');
      await publishEvent(eventLog, input, EventType.turnStarted, { turnNumber: input.turnNumber, workflowId: input.workflowId, message: input.message }, 'begin');
      return {
        modelCalls: dependencies.settings.modelCallsAsLocalActivities ? 'local-activity' : 'activity',
        routeCall: routeCallOf(dependencies),
        review: reviewPolicyOf(dependencies.settings),
        outOfScope: dependencies.settings.outOfScopeAction ?? 'decline',
      };
    },

    /** Opens a stage the workflow itself spans (review, or a fan-out of several activities). */
    async markStageStarted(input: StageStartedInput): Promise<{ startedAt: string }> {
      return { startedAt: await stages.started(input, input.stage) };
    },

    /** Closes a stage the workflow spans, or records the final failure of any stage. */
    async markStageFinished(input: StageFinishedInput): Promise<StageTiming> {
      return stages.finished(input, input.stage, input.startedAt, input);
    },

    /**
     * Deliver stage: stores the assistant message (once, keyed by turn id), closes the turn and the
     * stage, then publishes `turn-finished` — the last event of a turn.
     */
    async deliverAnswer(input: DeliverAnswerInput): Promise<TurnResult> {
      const { result } = input;
      await stages.run(input, 'deliver', async () => {
        await saveTurnMessage(store, input, { role: 'assistant', content: result.answer, citations: result.citations, confidence: result.confidence });
        await store.updateTurn(input.turnId, { ...input.trace, status: result.status, finishedAt: new Date().toISOString() });
        // Only a reviewed turn changed the conversation's status (to awaiting_review); undo just that.
        if (result.escalated) await store.setConversationStatus(input.conversationId, 'active');
      });
      await publishEvent(eventLog, input, EventType.turnFinished, { result }, 'finish');
      await dispatchWebhookEvent({ type: EventType.turnFinished, conversationId: input.conversationId, key: input.turnId, data: { turnId: input.turnId, result } });
      if (metrics !== undefined) metrics.turnFinished({ turnId: input.turnId, outcome: outcomeOfDelivered(result), durationSeconds: await turnSeconds(input.turnId) });
      turnLogger(input).info({ status: result.status, escalated: result.escalated, agents: result.agents, citations: result.citations.length }, 'turn delivered');
      return result;
    },

    /** Closes a turn that failed for good with an apology, so the customer is never left hanging. */
    async failTurn(input: FailTurnInput): Promise<TurnResult> {
      const result: TurnResult = {
        turnId: input.turnId,
        status: TurnStatus.failed,
        answer: FAILED_TURN_ANSWER,
        citations: [],
        confidence: 0,
        agents: [],
        escalated: false,
        costUsd: 0,
      };
      await saveTurnMessage(store, input, { role: 'assistant', content: result.answer, citations: [], confidence: 0 });
      // The turn row is missing when the very first step failed; the event still tells the customer.
      const turn = await store.getTurn(input.turnId);
      if (turn !== null) {
        await store.updateTurn(input.turnId, { status: TurnStatus.failed, finishedAt: new Date().toISOString() });
      }
      await publishEvent(eventLog, input, EventType.turnFinished, { result, error: input.reason }, 'finish');
      await dispatchWebhookEvent({ type: EventType.turnFinished, conversationId: input.conversationId, key: input.turnId, data: { turnId: input.turnId, result, error: input.reason } });
      metrics?.turnFinished({ turnId: input.turnId, outcome: TurnOutcome.failed, durationSeconds: secondsSince(turn?.createdAt) });
      turnLogger(input).error({ reason: input.reason }, 'turn failed for good; the customer was told');
      return result;
    },

    /** Stores a status the conversation workflow reached on its own (closed, or taken over by a person). */
    async recordConversationStatus(input: RecordConversationStatusInput): Promise<void> {
      await store.ensureConversation({ id: input.conversationId, tenantId: input.tenantId, customerId: input.customerId });
      await store.setConversationStatus(input.conversationId, input.status);
      const ref = { conversationId: input.conversationId, turnId: `${input.conversationId}.status` };
      await publishEvent(eventLog, ref, EventType.conversationStatus, { status: input.status, ...(input.agent === undefined ? {} : { agent: input.agent }) });
    },
  };
}
