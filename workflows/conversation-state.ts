/** Pure state helpers of the conversation workflow: validation of incoming messages and snapshots. */
import { ApplicationFailure } from '@temporalio/workflow';
import { MAX_MESSAGE_CHARS } from '../domain/constants.js';
import { FailureType } from '../domain/failure-types.js';
import type { ConversationCarry, ConversationInput, ConversationState, ActiveTurn, ReviewDecision, SendMessageInput } from './messages.js';

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
  if (carry.status === 'human_takeover') {
    throw ApplicationFailure.nonRetryable('a person has taken over this conversation; the assistant no longer answers', FailureType.ConversationClosed);
  }
}

/** Update validator of `submitReviewDecision`. */
export function validateReviewDecision(carry: ConversationCarry, decision: ReviewDecision): void {
  if (carry.pendingEscalation === null || carry.pendingEscalation.escalationId !== decision?.escalationId) {
    throw ApplicationFailure.nonRetryable(`no pending escalation "${String(decision?.escalationId)}" in this conversation`, FailureType.NotFound);
  }
  if (!['approve', 'edit', 'reject'].includes(decision.action)) {
    throw ApplicationFailure.nonRetryable('action must be approve, edit or reject', FailureType.InvalidInput);
  }
  if (typeof decision.reviewer !== 'string' || decision.reviewer.trim() === '') {
    throw ApplicationFailure.nonRetryable('reviewer is required', FailureType.InvalidInput);
  }
  if (decision.action === 'edit' && (typeof decision.answer !== 'string' || decision.answer.trim() === '')) {
    throw ApplicationFailure.nonRetryable('an edit needs the reviewer\'s answer', FailureType.InvalidInput);
  }
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
