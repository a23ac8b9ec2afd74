/**
 * Object-level authorization. A conversation belongs to a tenant and (usually) a customer: principals of
 * another tenant, and customers other than its own, get the same 404 as for an id that does not exist —
 * ids are not secrets to probe. The owner is read from the workflow's search attributes (set when the
 * workflow starts, so they exist before the first activity has written the conversation row), or from the
 * store once the workflow is gone.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Store } from '../../activities/persistence/store.js';
import type { Principal } from '../../domain/auth.js';
import { conversationWorkflowId, reviewerFeedId } from '../../domain/constants.js';
import { customerIdKey, tenantIdKey } from '../../domain/search-attributes.js';
import { toApiError } from '../conversation-client.js';
import { ApiError, ErrorCode } from '../errors.js';
import { hasRole, isCustomerOnly, ownCustomerId } from './principal.js';

export interface ConversationOwner {
  tenantId: string;
  customerId: string | null;
}

export interface OwnershipDependencies {
  temporal: Client;
  store: Store;
  timeoutMs: number;
}

export const conversationNotFound = (): ApiError => new ApiError(404, ErrorCode.conversationNotFound, 'Conversation not found');

/** Who owns a conversation; null when neither Temporal nor the store knows it. */
export async function conversationOwner(dependencies: OwnershipDependencies, conversationId: string): Promise<ConversationOwner | null> {
  try {
    const description = await dependencies.temporal.connection.withDeadline(Date.now() + dependencies.timeoutMs, () =>
      dependencies.temporal.workflow.getHandle(conversationWorkflowId(conversationId)).describe(),
    );
    const tenantId = description.typedSearchAttributes.get(tenantIdKey);
    if (tenantId !== undefined) return { tenantId, customerId: description.typedSearchAttributes.get(customerIdKey) ?? null };
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw toApiError(error);
  }
  const stored = await dependencies.store.getConversation(conversationId);
  return stored === null ? null : { tenantId: stored.conversation.tenantId, customerId: stored.conversation.customerId };
}

/** Whether the principal may see a conversation of this owner. */
export function canAccessConversation(principal: Principal, owner: ConversationOwner): boolean {
  if (owner.tenantId !== principal.tenantId) return false;
  return !isCustomerOnly(principal) || owner.customerId === ownCustomerId(principal);
}

/** Throws 404 `conversation_not_found` unless the conversation exists and the principal may see it. */
export async function assertConversationAccess(dependencies: OwnershipDependencies, principal: Principal, conversationId: string): Promise<ConversationOwner> {
  const owner = await conversationOwner(dependencies, conversationId);
  if (owner === null || !canAccessConversation(principal, owner)) throw conversationNotFound();
  return owner;
}

/** The reviewers' feed of a tenant: its reviewers and admins only. */
export function canFollowReviewerFeed(principal: Principal, feedId: string): boolean {
  return feedId === reviewerFeedId(principal.tenantId) && hasRole(principal, ['reviewer', 'admin']);
}
