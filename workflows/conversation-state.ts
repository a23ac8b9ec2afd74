/** Pure state helpers of the conversation workflow: validation of incoming messages and snapshots. */
import { ApplicationFailure } from '@temporalio/workflow';
import { MAX_MESSAGE_CHARS } from '../domain/constants.js';
import { FailureType } from '../domain/failure-types.js';
import type { ConversationCarry, ConversationInput, ConversationState, ActiveTurn, HumanReplyInput, ReviewDecision, SendMessageInput } from './messages.js';

export function initialCarry(input: ConversationInput): ConversationCarry {
  return (
    input.carried ?? { turnCount: 0, totalCostUsd: 0, agentsUsed: [], lastTurn: null, status: 'active', pending: [], pendingEscalation: null, escalated: false }
  );
}

/** Update validator of `sendMessage`: rejects bad input and messages to a closed conversation. */
export function validateSendMessage(carry: ConversationCarry, input: SendMessageInput): void {
  if (typeof input?.message !== 'string' || input.message.trim() === '') {
    throw ApplicationFailure.nonRetryable('message must be a non-empty string', FailureType.InvalidInput);
  }
  if (input.message.length > MAX_MESSAGE_CHARS) {
    throw ApplicationFailure.nonRetryable(`message is longer than ${MAX_MESSAGE_CHARS} characters`, FailureType.InvalidInput);
  }
  if (input.metadata !== undefined && (typeof input.metadata !== 'object' || input.metadata === null || Array.isArray(input.metadata))) {
    throw ApplicationFailure.nonRetryable('metadata must be an object', FailureType.InvalidInput);
  }
  if (carry.status === 'closed') throw ApplicationFailure.nonRetryable('the conversation is closed', FailureType.ConversationClosed);
}

/** Update validator of `sendMessage`'s back-pressure: `runningTurns` is 1 while a turn runs (not during a takeover). */
export function validatePendingTurns(carry: ConversationCarry, input: SendMessageInput, runningTurns: number): void {
  const cap = input.maxPendingTurns;
  if (cap === undefined) return;
  if (!Number.isInteger(cap) || cap < 1) throw ApplicationFailure.nonRetryable('maxPendingTurns must be a positive integer', FailureType.InvalidInput);
  // A person has the conversation: messages go to them and start no turn.
  if (carry.status === 'human_takeover') return;
  const pending = carry.pending.length + runningTurns;
  if (pending >= cap) {
    throw ApplicationFailure.nonRetryable(`The conversation already has ${pending} turns running or queued (at most ${cap}); retry when one finishes`, FailureType.TooManyPendingTurns);
  }
}

/** Update validator of `submitReviewDecision`: exactly one final decision per escalation wins. */
export function validateReviewDecision(carry: ConversationCarry, decision: ReviewDecision): void {
  if (carry.pendingEscalation === null || carry.pendingEscalation.escalationId !== decision?.escalationId) {
    throw ApplicationFailure.nonRetryable(`no pending escalation "${String(decision?.escalationId)}" in this conversation`, FailureType.NotFound);
  }
  if (!['approve', 'edit', 'reject', 'reassign'].includes(decision.action)) {
    throw ApplicationFailure.nonRetryable('action must be approve, edit, reject or reassign', FailureType.InvalidInput);
  }
  const decidedBy = carry.pendingEscalation.decidedBy;
  if (decidedBy !== undefined) {
    throw ApplicationFailure.nonRetryable(`escalation "${decision.escalationId}" was already decided by ${decidedBy}`, FailureType.Conflict);
  }
  if (decision.action === 'reassign' && (typeof decision.assignee !== 'string' || decision.assignee.trim() === '')) {
    throw ApplicationFailure.nonRetryable('a reassignment needs an assignee', FailureType.InvalidInput);
  }
  if (typeof decision.reviewer !== 'string' || decision.reviewer.trim() === '') {
    throw ApplicationFailure.nonRetryable('reviewer is required', FailureType.InvalidInput);
  }
  if (decision.action === 'edit' && (typeof decision.answer !== 'string' || decision.answer.trim() === '')) {
    throw ApplicationFailure.nonRetryable('an edit needs the reviewer\'s answer', FailureType.InvalidInput);
  }
}

/** Update validator of `sendHumanReply`. */
export function validateHumanReply(carry: ConversationCarry, reply: HumanReplyInput): void {
  if (typeof reply?.agent !== 'string' || reply.agent.trim() === '') throw ApplicationFailure.nonRetryable('agent is required', FailureType.InvalidInput);
  if (typeof reply.message !== 'string' || reply.message.trim() === '') {
    throw ApplicationFailure.nonRetryable('message must be a non-empty string', FailureType.InvalidInput);
  }
  if (reply.message.length > MAX_MESSAGE_CHARS) {
    throw ApplicationFailure.nonRetryable(`message is longer than ${MAX_MESSAGE_CHARS} characters`, FailureType.InvalidInput);
  }
  if (carry.status === 'closed') throw ApplicationFailure.nonRetryable('the conversation is closed', FailureType.ConversationClosed);
}

export function snapshotOf(conversationId: string, carry: ConversationCarry, activeTurn: ActiveTurn | null): ConversationState {
  return {
    conversationId,
    status: carry.status,
    turnCount: carry.turnCount,
    queuedTurns: carry.pending.length,
    activeTurn,
    lastTurn: carry.lastTurn,
    totalCostUsd: carry.totalCostUsd,
    agentsUsed: carry.agentsUsed,
  };
}
