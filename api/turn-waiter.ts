/**
 * Waits on a conversation's event log for the outcome of one turn (`POST /api/chat?wait=true`):
 * `turn-finished`, or `escalation-created` (the turn now awaits a human reviewer).
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { EventType } from '../domain/constants.js';
import type { ConversationEvent, TurnResult } from '../domain/types.js';
import type { EventLog, EventSubscription } from '../activities/events/event-log.js';

/** The fields of a `TurnResult` the API returns; other fields in the payload are ignored. */
const turnResultSchema: z.ZodType<TurnResult> = z.object({
  turnId: z.string(),
  status: z.enum(['running', 'awaiting_review', 'completed', 'failed']),
  answer: z.string(),
  citations: z.array(
    z.object({
      index: z.number(),
      passageId: z.string(),
      source: z.enum(['knowledge', 'web', 'history']),
      documentId: z.string(),
      title: z.string(),
      url: z.string().nullable(),
      snippet: z.string(),
    }),
  ),
  confidence: z.number(),
  agents: z.array(z.object({ id: z.string(), team: z.string().nullable(), score: z.number(), reason: z.string(), version: z.number().optional() })),
  outOfScope: z.boolean().optional(),
  escalated: z.boolean(),
  escalationId: z.string().optional(),
  costUsd: z.number(),
});
const outcomePayloadSchema = z.looseObject({ result: turnResultSchema });

export interface WaitForTurnInput {
  eventLog: EventLog;
  conversationId: string;
  turnId: string;
  /** The log's `lastSeq` read before the message was sent: the outcome is after it. */
  afterSeq: number;
  timeoutMs: number;
  /** Aborted when the client disconnects or the server shuts down. */
  signal: AbortSignal;
  logger: Logger;
}

/** Resolves with the turn's result, or null on timeout or abort. Always closes its subscription. */
export async function waitForTurnOutcome(input: WaitForTurnInput): Promise<TurnResult | null> {
  if (input.signal.aborted) return null;
  let settle: (result: TurnResult | null) => void = () => undefined;
  const outcome = new Promise<TurnResult | null>((resolve) => {
    settle = resolve;
  });
  const timer = setTimeout(() => settle(null), input.timeoutMs);
  const onAbort = (): void => settle(null);
  input.signal.addEventListener('abort', onAbort, { once: true });

  const listener = (event: ConversationEvent): void => {
    if (event.turnId !== input.turnId) return;
    if (event.type !== EventType.turnFinished && event.type !== EventType.escalationCreated) return;
    const parsed = outcomePayloadSchema.safeParse(event.payload);
    if (!parsed.success) {
      input.logger.warn({ seq: event.seq, type: event.type, issues: parsed.error.issues }, 'ignoring malformed turn outcome event');
      return;
    }
    settle(parsed.data.result);
  };

  let subscription: EventSubscription | undefined;
  try {
    subscription = await input.eventLog.subscribe(input.conversationId, input.afterSeq, listener);
    return await outcome;
  } finally {
    clearTimeout(timer);
    input.signal.removeEventListener('abort', onAbort);
    await subscription?.close().catch((error: unknown) => input.logger.warn({ err: error }, 'closing the event subscription failed'));
  }
}
