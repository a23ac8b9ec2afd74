/**
 * The `ModelCallContext` of a model call made inside an activity: which tenant, conversation and turn it
 * serves (budgets and accounting) and a call id unique per logical call and Temporal attempt, so the
 * router's spend ledger never bills one attempt twice.
 */
import { Context } from '@temporalio/activity';
import { DEFAULT_TENANT_ID } from '../../domain/constants.js';
import type { Complexity } from '../../domain/types.js';
import type { TurnRef } from '../events/publisher.js';
import type { ModelCallContext } from './chat-model.js';

export interface CallContextInput extends TurnRef {
  tenantId?: string;
  agentId?: string;
  complexity?: Complexity;
  preferredTier?: ModelCallContext['preferredTier'];
  /** Distinguishes several model calls made by one activity attempt. */
  purpose: string;
}

/** Builds the context from the activity's identity (`<workflowId>/<activityId>:<attempt>`); unit tests get a stable id. */
export function callContextOf(input: CallContextInput): ModelCallContext {
  let callId = `${input.turnId}/${input.purpose}${input.agentId === undefined ? '' : `/${input.agentId}`}:1`;
  try {
    const info = Context.current().info;
    callId = `${info.workflowExecution?.workflowId ?? input.turnId}/${info.activityId}/${input.purpose}:${info.attempt}`;
  } catch {
    // Outside an activity (unit tests): the turn-derived id above.
  }
  return {
    tenantId: input.tenantId ?? DEFAULT_TENANT_ID,
    conversationId: input.conversationId,
    turnId: input.turnId,
    callId,
    ...(input.agentId === undefined ? {} : { agentId: input.agentId }),
    ...(input.complexity === undefined ? {} : { complexity: input.complexity }),
    ...(input.preferredTier === undefined ? {} : { preferredTier: input.preferredTier }),
  };
}
