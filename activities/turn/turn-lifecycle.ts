import { EventType, type Stage } from '../../domain/constants.js';
import type { StageTiming, SynthesizedAnswer, TurnResult } from '../../domain/types.js';
import { TurnStatus } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { publishEvent, type TurnRef } from '../events/publisher.js';
import type { EscalationRecord } from '../persistence/store.js';

export interface BeginTurnInput extends TurnRef {
  tenantId: string;
  customerId: string | null;
  turnNumber: number;
  workflowId: string;
  message: string;
  metadata: Record<string, unknown>;
}

export interface StageStartedInput extends TurnRef {
  stage: Stage;
}

/** Trace fields a stage may add to its turn (see `Store.updateTurn`). */
export type TurnTracePatch = Parameters<ActivityDependencies['store']['updateTurn']>[1];

export interface StageFinishedInput extends TurnRef {
  stage: Stage;
  startedAt: string;
  status: StageTiming['status'];
  summary?: string;
  trace?: TurnTracePatch;
}

export interface DeliverAnswerInput extends TurnRef {
  /** When the deliver stage started (its `stage-finished` precedes `turn-finished`). */
  startedAt: string;
  result: TurnResult;
  trace: TurnTracePatch;
}

export interface FailTurnInput extends TurnRef {
  reason: string;
}

export interface CreateEscalationInput extends TurnRef {
  escalationId: string;
  reason: string;
  draft: SynthesizedAnswer;
  holdingMessage: string;
  agents: string[];
}

export interface ResolveEscalationInput extends TurnRef {
  escalationId: string;
  status: Exclude<EscalationRecord['status'], 'pending'>;
  reviewer: string | null;
  finalAnswer: string | null;
}

/** Shown to the customer when a turn fails for good; the failure itself is in the trace. */
export const FAILED_TURN_ANSWER =
  'Sorry — something went wrong while preparing this answer. Please try again in a moment; nothing you sent was lost.';

export function createTurnLifecycleActivities({ store, eventLog }: ActivityDependencies) {
  async function finishStage(input: StageFinishedInput): Promise<StageTiming> {
    const finishedAt = new Date();
    const timing: StageTiming = {
      stage: input.stage,
      startedAt: input.startedAt,
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.max(0, finishedAt.getTime() - Date.parse(input.startedAt)),
      status: input.status,
    };
    await store.recordStage(input.turnId, timing);
    if (input.trace !== undefined) await store.updateTurn(input.turnId, input.trace);
    await publishEvent(
      eventLog,
      input,
      EventType.stageFinished,
      { stage: input.stage, status: input.status, durationMs: timing.durationMs, summary: input.summary ?? null },
      input.stage,
    );
    return timing;
  }

  return {
    /** Persists the user's message and the turn row, then publishes `turn-started`. Idempotent. */
    async beginTurn(input: BeginTurnInput): Promise<{ startedAt: string }> {
      await store.ensureConversation({ id: input.conversationId, tenantId: input.tenantId, customerId: input.customerId });
      await store.saveMessage({
        id: `${input.turnId}:user`,
        conversationId: input.conversationId,
        turnId: input.turnId,
        role: 'user',
        content: input.message,
        citations: [],
        confidence: null,
      });
      await store.startTurn({ id: input.turnId, conversationId: input.conversationId, turnNumber: input.turnNumber, workflowId: input.workflowId });
      const startedAt = new Date().toISOString();
      await publishEvent(eventLog, input, EventType.turnStarted, { turnNumber: input.turnNumber, workflowId: input.workflowId, message: input.message }, 'begin');
      return { startedAt };
    },

    /** Publishes `stage-started` once per stage and returns the wall-clock start. */
    async markStageStarted(input: StageStartedInput): Promise<{ startedAt: string }> {
      const startedAt = new Date().toISOString();
      await publishEvent(eventLog, input, EventType.stageStarted, { stage: input.stage }, input.stage);
      return { startedAt };
    },

    /** Records the stage timing and its trace, then publishes `stage-finished` once per stage. */
    markStageFinished: finishStage,

    /**
     * Deliver stage: stores the assistant message (once, keyed by turn id), closes the turn and the
     * stage, then publishes `turn-finished` — the last event of a turn.
     */
    async deliverAnswer(input: DeliverAnswerInput): Promise<TurnResult> {
      const { result } = input;
      await store.saveMessage({
        id: `${input.turnId}:assistant`,
        conversationId: input.conversationId,
        turnId: input.turnId,
        role: 'assistant',
        content: result.answer,
        citations: result.citations,
        confidence: result.confidence,
      });
      await store.updateTurn(input.turnId, { ...input.trace, status: result.status, finishedAt: new Date().toISOString() });
      await store.setConversationStatus(input.conversationId, 'active');
      await finishStage({ ...input, stage: 'deliver', startedAt: input.startedAt, status: 'ok' });
      await publishEvent(eventLog, input, EventType.turnFinished, { result }, 'finish');
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
      await store.saveMessage({
        id: `${input.turnId}:assistant`,
        conversationId: input.conversationId,
        turnId: input.turnId,
        role: 'assistant',
        content: result.answer,
        citations: [],
        confidence: 0,
      });
      // The turn row is missing when the very first step failed; the event still tells the customer.
      if ((await store.getTurn(input.turnId)) !== null) {
        await store.updateTurn(input.turnId, { status: TurnStatus.failed, finishedAt: new Date().toISOString() });
      }
      await publishEvent(eventLog, input, EventType.turnFinished, { result, error: input.reason }, 'finish');
      return result;
    },

    /** Stores the escalation, marks the turn as awaiting review, tells subscribers. */
    async createEscalation(input: CreateEscalationInput): Promise<TurnResult> {
      await store.createEscalation({
        id: input.escalationId,
        conversationId: input.conversationId,
        turnId: input.turnId,
        reason: input.reason,
        draftAnswer: input.draft.text,
      });
      await store.updateTurn(input.turnId, { status: TurnStatus.awaitingReview, escalated: true, escalationId: input.escalationId });
      await store.setConversationStatus(input.conversationId, 'awaiting_review');
      const result: TurnResult = {
        turnId: input.turnId,
        status: TurnStatus.awaitingReview,
        answer: input.holdingMessage,
        citations: [],
        confidence: input.draft.confidence,
        agents: input.agents,
        escalated: true,
        escalationId: input.escalationId,
        costUsd: 0,
      };
      await publishEvent(eventLog, input, EventType.escalationCreated, { escalationId: input.escalationId, reason: input.reason, result }, input.escalationId);
      return result;
    },

    /** Records the reviewer's decision (or the timeout) and tells subscribers. */
    async resolveEscalation(input: ResolveEscalationInput): Promise<void> {
      await store.resolveEscalation({ id: input.escalationId, status: input.status, reviewer: input.reviewer, finalAnswer: input.finalAnswer });
      await publishEvent(
        eventLog,
        input,
        EventType.escalationResolved,
        { escalationId: input.escalationId, status: input.status, reviewer: input.reviewer },
        input.escalationId,
      );
    },
  };
}
