/**
 * Typed search-attribute keys (registered on the namespace by `temporal-config/`), shared by the
 * workflows (which keep them current) and the API (which sets them when it starts a conversation).
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { SearchAttribute } from './constants.js';

export const conversationStatusKey = defineSearchAttributeKey(SearchAttribute.conversationStatus, SearchAttributeType.KEYWORD);
export const customerIdKey = defineSearchAttributeKey(SearchAttribute.customerId, SearchAttributeType.KEYWORD);
export const tenantIdKey = defineSearchAttributeKey(SearchAttribute.tenantId, SearchAttributeType.KEYWORD);
export const escalatedKey = defineSearchAttributeKey(SearchAttribute.escalated, SearchAttributeType.BOOL);
export const agentsUsedKey = defineSearchAttributeKey(SearchAttribute.agentsUsed, SearchAttributeType.KEYWORD_LIST);

/** The attributes a conversation has when it starts (the workflow keeps them current afterwards). */
export function initialConversationSearchAttributes(input: { tenantId: string; customerId: string | null }): SearchAttributePair[] {
  return [
    { key: conversationStatusKey, value: 'active' },
    { key: tenantIdKey, value: input.tenantId },
    { key: escalatedKey, value: false },
    ...(input.customerId === null ? [] : [{ key: customerIdKey, value: input.customerId }]),
  ];
}
