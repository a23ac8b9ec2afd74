/**
 * `conversationWorkflow`: the long-lived conversation. Accepts messages (update `sendMessage`), runs one
 * child `turnWorkflow` per message in order, keeps a small summary (text lives in Postgres), forwards
 * review decisions to the waiting turn, and continues-as-new before its history grows large.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { turnIdOf, turnWorkflowId } from '../domain/constants.js';
import type { TurnResult } from '../domain/types.js';
import { initialCarry, snapshotOf, validateReviewDecision, validateSendMessage } from './conversation-state.js';
import {
  closeConversation,
  getState,
  reportEscalation,
  reviewDecision,
  sendMessage,
  submitReviewDecision,
  takeOver,
  type ActiveTurn,
  type ConversationCarry,
  type ConversationInput,
  type PendingMessage,
  type ReviewDecision,
  type SendMessageInput,
} from './messages.js';
import { agentsUsedKey, conversationStatusKey, customerIdKey, escalatedKey, tenantIdKey } from '../domain/search-attributes.js';
import { local } from './activity-options.js';
import { errorMessage } from './turn-helpers.js';
import { turnWorkflow } from './turn.workflow.js';

const DEFAULT_MAX_TURNS_PER_RUN = 100;
const SKIP_UNCHANGED_SEARCH_ATTRIBUTES = 'skip-unchanged-search-attributes';
const RECORD_CONVERSATION_STATUS = 'record-conversation-status';

function sameValue(current: unknown, wanted: unknown): boolean {
  return Array.isArray(current) && Array.isArray(wanted) ? current.join('\u0000') === wanted.join('\u0000') : current === wanted;
}
/** An idle conversation closes itself after 30 days; its history stays in Postgres. */
const IDLE_TIMEOUT = '30 days';

export async function conversationWorkflow(input: ConversationInput): Promise<ConversationCarry> {
  const carry = initialCarry(input);
  let activeTurn: ActiveTurn | null = null;
  let turnsThisRun = 0;

  setHandler(getState, () => snapshotOf(input.conversationId, carry, activeTurn));
  setHandler(
    sendMessage,
    (message) => {
      carry.turnCount += 1;
      const turnNumber = carry.turnCount;
      const turnId = turnIdOf(input.conversationId, turnNumber);
      carry.pending.push({ turnId, turnNumber, message: message.message.trim(), metadata: message.metadata ?? {} });
      return { turnId, turnNumber, turnWorkflowId: turnWorkflowId(input.conversationId, turnNumber) };
    },
    { validator: (message: SendMessageInput) => validateSendMessage(carry, message) },
  );
  const forwardDecision = async (decision: ReviewDecision) => {
    if (activeTurn === null || carry.pendingEscalation?.escalationId !== decision.escalationId) {
      log.warn('review decision for no pending escalation ignored', { escalationId: decision.escalationId });
      return;
    }
    await getExternalWorkflowHandle(activeTurn.workflowId).signal(reviewDecision, decision);
  };
  setHandler(reviewDecision, forwardDecision);
  setHandler(submitReviewDecision, async (decision) => {
    await forwardDecision(decision);
    return { accepted: true as const };
  }, { validator: (decision: ReviewDecision) => validateReviewDecision(carry, decision) });
  setHandler(reportEscalation, (escalation) => {
    carry.pendingEscalation = escalation;
    carry.escalated = true;
    carry.status = 'awaiting_review';
    publishSearchAttributes();
  });
  setHandler(closeConversation, () => {
    carry.status = 'closed';
  });
  setHandler(takeOver, ({ agent }) => {
    log.info('a person took over the conversation', { agent });
    carry.status = 'human_takeover';
  });

  function publishSearchAttributes(): void {
    const wanted: SearchAttributePair[] = [
      { key: conversationStatusKey, value: carry.status },
      { key: tenantIdKey, value: input.tenantId },
      { key: escalatedKey, value: carry.escalated },
      ...(carry.agentsUsed.length === 0 ? [] : [{ key: agentsUsedKey, value: carry.agentsUsed }]),
      ...(input.customerId === null ? [] : [{ key: customerIdKey, value: input.customerId }]),
    ];
    // Patched: runs recorded before this change upserted every time; new runs upsert only what changed
    // (the API sets the initial attributes when it starts the conversation), which saves a visibility
    // write per turn.
    if (!patched(SKIP_UNCHANGED_SEARCH_ATTRIBUTES)) {
      upsertSearchAttributes(wanted);
      return;
    }
    const changed = wanted.filter((pair) => !sameValue(workflowInfo().typedSearchAttributes.get(pair.key), pair.value));
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  async function runTurn(next: PendingMessage): Promise<void> {
    const workflowId = turnWorkflowId(input.conversationId, next.turnNumber);
    activeTurn = { turnId: next.turnId, turnNumber: next.turnNumber, workflowId };
    let result: TurnResult;
    try {
      result = await executeChild(turnWorkflow, {
        workflowId,
        args: [{ conversationId: input.conversationId, tenantId: input.tenantId, customerId: input.customerId, ...next }],
        staticSummary: `Turn ${next.turnNumber} of conversation ${input.conversationId}`,
      });
    } catch (error) {
      log.error('turn workflow failed', { turnId: next.turnId, error: errorMessage(error) });
      result = { turnId: next.turnId, status: 'failed', answer: '', citations: [], confidence: 0, agents: [], escalated: false, costUsd: 0 };
    }
    carry.lastTurn = result;
    carry.totalCostUsd += result.costUsd;
    carry.agentsUsed = [...new Set([...carry.agentsUsed, ...result.agents])].sort();
    carry.pendingEscalation = null;
    if (carry.status === 'awaiting_review') carry.status = 'active';
    activeTurn = null;
    turnsThisRun += 1;
    publishSearchAttributes();
  }

  // Patched: runs started before this change never stored `closed` / `human_takeover` in the database.
  const recordsStatus = patched(RECORD_CONVERSATION_STATUS);
  let recordedStatus = carry.status;
  const statusToRecord = () => recordsStatus && (carry.status === 'closed' || carry.status === 'human_takeover') && carry.status !== recordedStatus;
  async function recordStatus(): Promise<void> {
    if (!statusToRecord()) return;
    recordedStatus = carry.status;
    await local.recordConversationStatus({ conversationId: input.conversationId, tenantId: input.tenantId, customerId: input.customerId, status: carry.status });
  }

  publishSearchAttributes();
  const maxTurns = input.maxTurnsPerRun ?? DEFAULT_MAX_TURNS_PER_RUN;
  const canRunTurn = () => carry.pending.length > 0 && carry.status !== 'human_takeover';
  for (;;) {
    const woke = await condition(() => canRunTurn() || carry.status === 'closed' || statusToRecord(), IDLE_TIMEOUT);
    if (!woke) carry.status = 'closed';
    await recordStatus();
    const next = canRunTurn() ? carry.pending.shift() : undefined;
    if (next !== undefined) await runTurn(next);
    else if (carry.status === 'closed') break;
    if (turnsThisRun >= maxTurns || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried: carry });
    }
  }
  publishSearchAttributes();
  await condition(allHandlersFinished);
  return carry;
}
