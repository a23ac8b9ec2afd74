/**
 * Encoding shared by every `EventLog` implementation: events are stored as JSON text and validated with a
 * zod schema on the way in and on the way out, so both logs hand consumers exactly what JSON can carry
 * (a `Date` becomes a string, `undefined` fields disappear) and stored text is never trusted blindly.
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../../domain/constants.js';
import type { ConversationEvent, NewConversationEvent } from '../../domain/types.js';

/** Shape of the JSON stored for one event (`seq` and `conversationId` live in the log's keys). */
export const storedEventSchema = z.object({
  type: z.enum(EVENT_TYPES),
  turnId: z.string().min(1),
  at: z.string().min(1),
  payload: z.record(z.string(), z.unknown()),
});

/** Raised when an event cannot be encoded, or when stored text does not decode to a valid event. */
export class EventEncodingError extends Error {
  override readonly name = 'EventEncodingError';
}

/** Validates an event about to be appended and returns the JSON text to store. */
export function encodeEvent(event: NewConversationEvent): string {
  let json: string;
  try {
    json = JSON.stringify({ type: event.type, turnId: event.turnId, at: event.at, payload: event.payload });
  } catch (error) {
    throw new EventEncodingError(`Event is not JSON-serializable: ${String(error)}`, { cause: error });
  }
  // Validate the JSON round trip, not the input: that is what readers will see.
  decodeEvent(json);
  return json;
}

/** Parses stored JSON text into an event; throws `EventEncodingError` when it is not a valid event. */
export function decodeEvent(json: string): NewConversationEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new EventEncodingError('Stored event is not valid JSON', { cause: error });
  }
  const parsed = storedEventSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new EventEncodingError(`Stored event is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Builds the event a reader sees from its stored JSON and its position in the log. */
export function toConversationEvent(conversationId: string, seq: number, json: string): ConversationEvent {
  return { ...decodeEvent(json), seq, conversationId };
}

/** Rejects a `seq` offset that is not a non-negative safe integer (a caller bug, not a runtime condition). */
export function assertSequenceOffset(afterSeq: number): void {
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
    throw new RangeError(`afterSeq must be a non-negative integer, got ${afterSeq}`);
  }
}

/** Rejects a read limit that is not a positive safe integer. */
export function assertReadLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
}
