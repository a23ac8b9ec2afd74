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
import { agentIdsOf, type TurnResult } from '../domain/types.js';
import { initialCarry, snapshotOf, validateHumanReply, validateReviewDecision, validatePendingTurns, validateSendMessage } from './conversation-state.js';
import {
  closeConversation,
  getState,
  reportEscalation,
  reviewDecision,
  sendMessage,
  releaseConversation,
  sendHumanReply,
  submitReviewDecision,
  takeOver,
  FINAL_REVIEW_ACTIONS,
  type HumanReplyInput,
  type ActiveTurn,
  type ConversationCarry,
  type ConversationInput,
  type PendingMessage,
  type ReviewDecision,
  type SendMessageInput,
} from './messages.js';
import { agentsUsedKey, conversationStatusKey, customerIdKey, escalatedKey, tenantIdKey } from '../domain/search-attributes.js';
import { local } from './activity-options.js';
import { errorMessage, reviewDecisionProblem } from './turn-helpers.js';
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
    async (message) => {
      // Taken over: the message goes to the person (stored and streamed); no turn runs.
      if (carry.status === 'human_takeover') {
        carry.customerMessages = (carry.customerMessages ?? 0) + 1;
        const messageId = `${input.conversationId}.customer-${carry.customerMessages}`;
        await local.recordCustomerMessage({ conversationId: input.conversationId, tenantId: input.tenantId, messageId, message: message.message.trim() });
        return { turnId: messageId, turnNumber: 0, turnWorkflowId: '', forwardedToPerson: true as const };
      }
      carry.turnCount += 1;
      const turnNumber = carry.turnCount;
      const turnId = turnIdOf(input.conversationId, turnNumber);
      carry.pending.push({ turnId, turnNumber, message: message.message.trim(), metadata: message.metadata ?? {} });
      return { turnId, turnNumber, turnWorkflowId: turnWorkflowId(input.conversationId, turnNumber) };
    },
    {
      validator: (message: SendMessageInput) => {
        validateSendMessage(carry, message);
        validatePendingTurns(carry, message, activeTurn === null ? 0 : 1);
      },
    },
  );
  const forwardDecision = async (decision: ReviewDecision) => {
    const pending = carry.pendingEscalation;
    if (activeTurn === null || pending?.escalationId !== decision.escalationId) {
      log.warn('review decision for no pending escalation ignored', { escalationId: decision.escalationId });
      return;
    }
    if (FINAL_REVIEW_ACTIONS.includes(decision.action) && reviewDecisionProblem(decision) === null) {
      if (pending.decidedBy !== undefined) {
        log.warn('second review decision ignored; the first one won', { escalationId: decision.escalationId, decidedBy: pending.decidedBy, reviewer: decision.reviewer });
        return;
      }
      // Marked before the first await: a concurrent decision's validator already sees it.
      pending.decidedBy = decision.reviewer;
    }
    await getExternalWorkflowHandle(activeTurn.workflowId).signal(reviewDecision, decision);
  };
  setHandler(reviewDecision, forwardDecision);
  setHandler(submitReviewDecision, async (decision) => {
    await forwardDecision(decision);
    return { accepted: true as const };
  }, { validator: (decision: ReviewDecision) => validateReviewDecision(carry, decision) });
  setHandler(
    sendHumanReply,
    async (reply) => {
      carry.humanReplies = (carry.humanReplies ?? 0) + 1;
      const messageId = `${input.conversationId}.human-${carry.humanReplies}`;
      return local.deliverHumanReply({ conversationId: input.conversationId, tenantId: input.tenantId, messageId, agent: reply.agent.trim(), message: reply.message.trim() });
    },
    { validator: (reply: HumanReplyInput) => validateHumanReply(carry, reply) },
  );
  setHandler(reportEscalation, (escalation) => {
    carry.pendingEscalation = escalation;
    carry.escalated = true;
    carry.status = 'awaiting_review';
    publishSearchAttributes();
  });
  setHandler(closeConversation, () => {
    carry.status = 'closed';
  });
  let statusAgent: string | undefined;
  setHandler(takeOver, ({ agent }) => {
    log.info('a person took over the conversation', { agent });
    if (carry.status !== 'closed') carry.status = 'human_takeover';
    statusAgent = agent;
  });
  setHandler(releaseConversation, ({ agent }) => {
    if (carry.status !== 'human_takeover') return;
    log.info('the conversation was released to the assistant', { agent });
    carry.status = 'active';
    statusAgent = agent;
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
    carry.agentsUsed = [...new Set([...carry.agentsUsed, ...agentIdsOf(result.agents)])].sort();
    carry.pendingEscalation = null;
    if (carry.status === 'awaiting_review') carry.status = 'active';
    activeTurn = null;
    turnsThisRun += 1;
    publishSearchAttributes();
  }

  // Patched: runs started before this change never stored `closed` / `human_takeover` in the database.
  const recordsStatus = patched(RECORD_CONVERSATION_STATUS);
  let recordedStatus = carry.status;
  // A release (active after a take-over) is recorded too; runs recorded before releases existed never have one.
  const released = () => carry.status === 'active' && recordedStatus === 'human_takeover';
  const statusToRecord = () => recordsStatus && (carry.status === 'closed' || carry.status === 'human_takeover' || released()) && carry.status !== recordedStatus;
  async function recordStatus(): Promise<void> {
    if (!statusToRecord()) return;
    recordedStatus = carry.status;
    const agent = statusAgent === undefined ? {} : { agent: statusAgent };
    await local.recordConversationStatus({ conversationId: input.conversationId, tenantId: input.tenantId, customerId: input.customerId, status: carry.status, ...agent });
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
