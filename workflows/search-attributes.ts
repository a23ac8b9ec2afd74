/** Typed search-attribute keys (registered on the namespace by `temporal-config/`). */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SearchAttribute } from '../domain/constants.js';

export const conversationStatusKey = defineSearchAttributeKey(SearchAttribute.conversationStatus, SearchAttributeType.KEYWORD);
export const customerIdKey = defineSearchAttributeKey(SearchAttribute.customerId, SearchAttributeType.KEYWORD);
export const tenantIdKey = defineSearchAttributeKey(SearchAttribute.tenantId, SearchAttributeType.KEYWORD);
export const escalatedKey = defineSearchAttributeKey(SearchAttribute.escalated, SearchAttributeType.BOOL);
export const agentsUsedKey = defineSearchAttributeKey(SearchAttribute.agentsUsed, SearchAttributeType.KEYWORD_LIST);
