/**
 * Every name that crosses a process boundary lives here: task queues, workflow ids, event types,
 * stream keys, search attributes. Pure module: safe to import from workflow code.
 */

/** Default task queue for workflows and cheap activities (overridable with `TEMPORAL_TASK_QUEUE`). */
export const DEFAULT_TASK_QUEUE = 'agentcraft';

/** Workflow id of a conversation. */
export function conversationWorkflowId(conversationId: string): string {
  return `conversation-${conversationId}`;
}

/** Workflow id of the n-th turn (1-based) of a conversation. */
export function turnWorkflowId(conversationId: string, turnNumber: number): string {
  return `conversation-${conversationId}-turn-${turnNumber}`;
}

/** Turn ids are `<conversationId>.<n>`: unique, stable across retries, and usable as an idempotency key. */
export function turnIdOf(conversationId: string, turnNumber: number): string {
  return `${conversationId}.${turnNumber}`;
}

/** Event types published on a conversation's event log (noun-verb kebab-case). */
export const EventType = {
  turnStarted: 'turn-started',
  stageStarted: 'stage-started',
  stageFinished: 'stage-finished',
  agentStarted: 'agent-started',
  agentFinished: 'agent-finished',
  tokenDelta: 'token-delta',
  streamReset: 'stream-reset',
  escalationCreated: 'escalation-created',
  escalationResolved: 'escalation-resolved',
  /** Reviewers were reminded of a waiting escalation (its SLA is running out). */
  escalationReminder: 'escalation-reminder',
  /** An escalation changed hands (reassigned to another reviewer or team). */
  escalationAssigned: 'escalation-assigned',
  /** A person wrote to the customer (take-over or review). */
  humanMessage: 'human-message',
  /** The customer wrote while a person has the conversation: it is theirs to answer, not the assistant's. */
  customerMessage: 'customer-message',
  /** The conversation was taken over by a person, or released back to the assistant. */
  conversationStatus: 'conversation-status',
  turnFinished: 'turn-finished',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];
export const EVENT_TYPES = Object.values(EventType) as [EventType, ...EventType[]];

/** Pipeline stages of a turn, in order. */
export const Stage = {
  route: 'route',
  retrieve: 'retrieve',
  agents: 'agents',
  synthesize: 'synthesize',
  qa: 'qa',
  review: 'review',
  deliver: 'deliver',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** Redis keys of the event log. */
/**
 * The reviewers' feed of a tenant: escalation events of every conversation, in the same sequence-numbered
 * log as conversations (so reviewers reconnect with `fromSeq` too). Not a valid conversation id (it has a colon).
 */
export function reviewerFeedId(tenantId: string): string {
  return `reviewers:${tenantId}`;
}

export function eventStreamKey(conversationId: string): string {
  return `agentcraft:events:{${conversationId}}`;
}
export function eventDedupeKey(conversationId: string, dedupeKey: string): string {
  return `agentcraft:events:{${conversationId}}:dedupe:${dedupeKey}`;
}
export function eventSequenceKey(conversationId: string): string {
  return `agentcraft:events:{${conversationId}}:seq`;
}

/** Custom search attributes registered on the namespace (`temporal-config/`). */
export const SearchAttribute = {
  conversationStatus: 'ConversationStatus',
  customerId: 'CustomerId',
  tenantId: 'TenantId',
  escalated: 'Escalated',
  agentsUsed: 'AgentsUsed',
} as const;

/** Search attribute name → Temporal type, for registration by the dev server and the CLI. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Bool' | 'KeywordList'> = {
  ConversationStatus: 'Keyword',
  CustomerId: 'Keyword',
  TenantId: 'Keyword',
  Escalated: 'Bool',
  AgentsUsed: 'KeywordList',
};

/** Input limits enforced by the API and again by the workflow's update validator. */
export const MAX_MESSAGE_CHARS = 16_000;
export const DEFAULT_TENANT_ID = 'default';

/** Workflow id prefix of the knowledge re-embedding after an embedding model change (one per model key). */
export const KNOWLEDGE_REEMBED_WORKFLOW_PREFIX = 'knowledge-reembed';

/** Workflow id of a knowledge source's sync (one at a time per source). */
export function knowledgeSourceWorkflowId(sourceId: string): string {
  return `knowledge-source-${sourceId}`;
}

/** Schedule id of a knowledge source's periodic re-sync. */
export function knowledgeSourceScheduleId(sourceId: string): string {
  return `knowledge-source-sync-${sourceId}`;
}
