/**
 * Review and take-over through Temporal: decisions as the validated update `submitReviewDecision` (so a
 * decided escalation answers 409), take-over and release as signals, human replies as an update.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { FailureType } from '../domain/failure-types.js';
import { conversationWorkflowId } from '../domain/constants.js';
import { releaseConversation, sendHumanReply, submitReviewDecision, takeOver, type ReviewDecision } from '../workflows/messages.js';
import { ApiError, ErrorCode } from './errors.js';
import { toApiError } from './conversation-client.js';

async function withinDeadline<T>(client: Client, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + timeoutMs, call);
  } catch (error) {
    throw toApiError(error);
  }
}

/** Sends a reviewer's decision; a decision that lost the race, or came after the deadline, is a 409. */
export async function submitDecision(client: Client, conversationId: string, decision: ReviewDecision, timeoutMs: number): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.getHandle(conversationWorkflowId(conversationId)).executeUpdate(submitReviewDecision, { args: [decision] }),
    );
  } catch (error) {
    // NotFound from the validator: the turn finished (decided or timed out) between our read and the update.
    const notPending = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.NotFound;
    if (notPending || error instanceof WorkflowNotFoundError) {
      throw new ApiError(409, ErrorCode.alreadyDecided, 'The escalation is no longer waiting for a decision', { cause: error });
    }
    throw toApiError(error);
  }
}

export async function signalTakeOver(client: Client, conversationId: string, agent: string, timeoutMs: number): Promise<void> {
  await withinDeadline(client, timeoutMs, () => client.workflow.getHandle(conversationWorkflowId(conversationId)).signal(takeOver, { agent }));
}

export async function signalRelease(client: Client, conversationId: string, agent: string, timeoutMs: number): Promise<void> {
  await withinDeadline(client, timeoutMs, () => client.workflow.getHandle(conversationWorkflowId(conversationId)).signal(releaseConversation, { agent }));
}

export async function sendReply(client: Client, conversationId: string, reply: { agent: string; message: string }, timeoutMs: number): Promise<{ messageId: string }> {
  return withinDeadline(client, timeoutMs, () => client.workflow.getHandle(conversationWorkflowId(conversationId)).executeUpdate(sendHumanReply, { args: [reply] }));
}
