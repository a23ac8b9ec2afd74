/**
 * The API's only conversation with Temporal: send a user message (update-with-start for a new
 * conversation, a plain update otherwise), read the live snapshot, and translate Temporal errors into
 * `ApiError`s. Uses the message definitions of `workflows/messages.ts` and nothing else from workflows.
 */
import {
  ApplicationFailure,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
  type Client,
} from '@temporalio/client';
import { conversationWorkflowId } from '../domain/constants.js';
import { initialConversationSearchAttributes } from '../domain/search-attributes.js';
import { FailureType } from '../domain/failure-types.js';
import {
  getState,
  getTurnState,
  sendMessage,
  type ConversationInput,
  type ConversationState,
  type SendMessageInput,
  type SendMessageResult,
  type TurnState,
} from '../workflows/messages.js';
import { ApiError, ErrorCode } from './errors.js';

/** `Retry-After` of a 429 `too_many_pending_turns`: about one turn's time. */
const PENDING_TURNS_RETRY_AFTER_SECONDS = 5;

/** Workflow type name of the conversation entity (registered by the worker). */
export const CONVERSATION_WORKFLOW_TYPE = 'conversationWorkflow';

export interface SendChatMessageInput {
  conversationId: string;
  /** True when the API generated the id: the message starts the conversation (update-with-start). */
  isNew: boolean;
  /** The authenticated principal's tenant: a new conversation belongs to it. */
  tenantId: string;
  customerId: string | null;
  message: string;
  metadata: Record<string, unknown>;
  taskQueue: string;
  /** Client-supplied idempotency key, used as the update id (Temporal applies an update id once per run). */
  updateId?: string;
  /** Upper bound on the whole call (the update returns once the workflow accepts it). */
  timeoutMs: number;
  /** Refuse the message with 429 when this many turns already run or wait (checked by the workflow). */
  maxPendingTurns?: number;
}

/** Sends the message and returns the accepted turn's ids. Throws `ApiError` for every expected failure. */
export async function sendChatMessage(client: Client, input: SendChatMessageInput): Promise<SendMessageResult> {
  const workflowId = conversationWorkflowId(input.conversationId);
  const message: SendMessageInput = { message: input.message, metadata: input.metadata, ...(input.maxPendingTurns === undefined ? {} : { maxPendingTurns: input.maxPendingTurns }) };
  const updateOptions = { args: [message] as [SendMessageInput], updateId: input.updateId };
  try {
    return await client.connection.withDeadline(Date.now() + input.timeoutMs, async () => {
      if (!input.isNew) return await client.workflow.getHandle(workflowId).executeUpdate(sendMessage, updateOptions);
      const conversationInput: ConversationInput = {
        conversationId: input.conversationId,
        tenantId: input.tenantId,
        customerId: input.customerId,
      };
      const startWorkflowOperation = new WithStartWorkflowOperation(CONVERSATION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: input.taskQueue,
        args: [conversationInput],
        // Set at start, so operators can filter the run at once and the workflow need not upsert them.
        typedSearchAttributes: initialConversationSearchAttributes(conversationInput),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return await client.workflow.executeUpdateWithStart(sendMessage, { ...updateOptions, startWorkflowOperation });
    });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw await notFoundOrClosed(client, workflowId, error);
    throw toApiError(error);
  }
}

/** An update on a closed run also fails with NOT_FOUND: tell "never existed" from "closed" by describing it. */
async function notFoundOrClosed(client: Client, workflowId: string, cause: WorkflowNotFoundError): Promise<unknown> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    if (description.status.name !== 'RUNNING') {
      return new ApiError(409, ErrorCode.conversationClosed, 'The conversation is closed and accepts no more messages', { cause });
    }
    return toApiError(cause);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      return new ApiError(404, ErrorCode.conversationNotFound, 'Conversation not found', { cause });
    }
    return toApiError(error);
  }
}

/** Maps Temporal client errors to API errors; unknown errors pass through (and become a logged 500). */
export function toApiError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type === FailureType.InvalidInput) {
      return new ApiError(400, ErrorCode.invalidRequest, error.cause.message, { cause: error });
    }
    if (error.cause.type === FailureType.ConversationClosed) {
      return new ApiError(409, ErrorCode.conversationClosed, error.cause.message, { cause: error });
    }
    if (error.cause.type === FailureType.TooManyPendingTurns) {
      // Back-pressure, like a rate limit: the same message succeeds once a turn finishes (not a 409 conflict).
      return new ApiError(429, ErrorCode.tooManyPendingTurns, error.cause.message, { cause: error, headers: { 'retry-after': String(PENDING_TURNS_RETRY_AFTER_SECONDS) } });
    }
    if (error.cause.type === FailureType.Conflict) {
      return new ApiError(409, ErrorCode.alreadyDecided, error.cause.message, { cause: error });
    }
  }
  if (error instanceof WorkflowNotFoundError) {
    return new ApiError(404, ErrorCode.conversationNotFound, 'Conversation not found', { cause: error });
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error)) {
    return new ApiError(504, ErrorCode.temporalTimeout, 'Temporal did not answer in time (is a worker running?)', { cause: error });
  }
  if (isUnavailable(error)) {
    return new ApiError(503, ErrorCode.temporalUnavailable, 'Temporal is unavailable', { cause: error });
  }
  return error;
}

/** gRPC status UNAVAILABLE (numeric: `@grpc/grpc-js` is not a direct dependency). */
const GRPC_UNAVAILABLE = 14;
function isUnavailable(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return isGrpcServiceError(cause) && Number(cause.code) === GRPC_UNAVAILABLE;
}

/** The conversation's `getState`, plus the active turn's `getTurnState` when a turn is running. */
export type ConversationSnapshot = ConversationState & { activeTurnState: TurnState | null };

/**
 * Queries the live state of a conversation. Returns null when the workflow does not exist. A failing
 * turn query is ignored: the turn may have finished between the two queries.
 */
export async function getConversationSnapshot(
  client: Client,
  conversationId: string,
  options: { timeoutMs?: number } = {},
): Promise<ConversationSnapshot | null> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  return await client.connection.withDeadline(deadline, async () => {
    let state: ConversationState;
    try {
      state = await client.workflow.getHandle(conversationWorkflowId(conversationId)).query(getState);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      throw toApiError(error);
    }
    let activeTurnState: TurnState | null = null;
    if (state.activeTurn !== null) {
      activeTurnState = await client.workflow
        .getHandle(state.activeTurn.workflowId)
        .query(getTurnState)
        .catch(() => null);
    }
    return { ...state, activeTurnState };
  });
}
