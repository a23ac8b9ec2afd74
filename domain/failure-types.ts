/**
 * Stable `ApplicationFailure.type` names (PascalCase). Non-retryable failures carry one of these so
 * operators, retry policies and the API can tell them apart. Pure module.
 */
export const FailureType = {
  /** Input that can never succeed (schema violation, empty message). */
  InvalidInput: 'InvalidInput',
  /** A setting the process needs is missing or malformed. */
  MissingConfiguration: 'MissingConfiguration',
  /** The conversation is closed or taken over; it accepts no more AI turns. */
  ConversationClosed: 'ConversationClosed',
  /** A referenced row does not exist (conversation, turn). */
  NotFound: 'NotFound',
  /** The write was based on a stale version (someone else saved first), or the item was already decided. */
  Conflict: 'Conflict',
  /** A model provider rejected the request for good (4xx other than 408/409/429). */
  ProviderRejected: 'ProviderRejected',
  /** The model provider refused for content-policy reasons. */
  ContentPolicy: 'ContentPolicy',
  /** A spend budget (turn, conversation, tenant per day) has no room for any model. */
  BudgetExceeded: 'BudgetExceeded',
  /** No model can ever take the call (context too large, privacy, capabilities). */
  NoModelFits: 'NoModelFits',
  /** A webhook receiver refused a delivery for good (4xx other than 408/409/429, a redirect, a forbidden address). */
  WebhookRejected: 'WebhookRejected',
  /** The conversation already has as many turns running or queued as the sender allows (back-pressure: retry later). */
  TooManyPendingTurns: 'TooManyPendingTurns',
  /** A knowledge source's sync failed as a whole (discovery or bookkeeping); single documents fail on their own. */
  KnowledgeSyncFailed: 'KnowledgeSyncFailed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Failure types that retry policies must not retry. */
export const NON_RETRYABLE_FAILURE_TYPES: FailureType[] = Object.values(FailureType);
