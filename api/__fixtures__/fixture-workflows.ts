/**
 * Stand-in workflows for the API's Temporal tests: they implement the public messages of
 * `workflows/messages.ts` with no activities, so tests exercise the API against a real server and a real
 * worker without the pipeline. The real workflows are tested in `workflows/`.
 *
 * The stand-in conversation accepts every message except `reject: invalid` (InvalidInput) and rejects all
 * messages once `closeConversation` was signalled (ConversationClosed), and runs until terminated. Each message starts a child
 * `turnWorkflow` that answers `getTurnState` and waits until its parent closes.
 */
import { ApplicationFailure, ParentClosePolicy, condition, setHandler, startChild } from '@temporalio/workflow';
import { turnIdOf, turnWorkflowId } from '../../domain/constants.js';
import { FailureType } from '../../domain/failure-types.js';
import {
  closeConversation,
  getState,
  getTurnState,
  sendMessage,
  type ActiveTurn,
  type ConversationInput,
  type TurnInput,
} from '../../workflows/messages.js';

export const REJECTED_MESSAGE = 'reject: invalid';

export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  let turnCount = 0;
  let closed = false;
  let activeTurn: ActiveTurn | null = null;

  setHandler(getState, () => ({
    conversationId: input.conversationId,
    status: closed ? 'closed' : 'active',
    turnCount,
    queuedTurns: 0,
    activeTurn,
    lastTurn: null,
    totalCostUsd: 0,
    agentsUsed: [],
  }));
  setHandler(closeConversation, () => {
    closed = true;
  });
  setHandler(
    sendMessage,
    async ({ message, metadata }) => {
      turnCount += 1;
      const turn = { turnId: turnIdOf(input.conversationId, turnCount), turnNumber: turnCount, workflowId: turnWorkflowId(input.conversationId, turnCount) };
      const turnInput: TurnInput = { ...input, turnId: turn.turnId, turnNumber: turn.turnNumber, message, metadata: metadata ?? {} };
      await startChild(turnWorkflow, { workflowId: turn.workflowId, args: [turnInput], parentClosePolicy: ParentClosePolicy.TERMINATE });
      activeTurn = turn;
      return { turnId: turn.turnId, turnNumber: turn.turnNumber, turnWorkflowId: turn.workflowId };
    },
    {
      validator: ({ message }) => {
        if (closed) throw ApplicationFailure.nonRetryable('The conversation is closed', FailureType.ConversationClosed);
        if (message === REJECTED_MESSAGE) throw ApplicationFailure.nonRetryable('Message rejected by the workflow', FailureType.InvalidInput);
      },
    },
  );
  // Runs until terminated, like a conversation that stays open for review after closing.
  await condition(() => false);
}

export async function turnWorkflow(input: TurnInput): Promise<void> {
  setHandler(getTurnState, () => ({
    turnId: input.turnId,
    status: 'running',
    stage: 'retrieve',
    stages: [],
    agents: [{ agentId: 'fixture-agent', status: 'running' }],
    answer: null,
    citations: [],
    confidence: null,
    costUsd: 0,
    escalationId: null,
  }));
  await condition(() => false);
}
