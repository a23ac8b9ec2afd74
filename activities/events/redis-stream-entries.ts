/**
 * Helpers to turn Redis Stream entries written by the append script (id `<seq>-0`, one `event` field holding
 * the JSON) back into conversation events.
 */
import type { ConversationEvent } from '../../domain/types.js';
import { EventEncodingError, toConversationEvent } from './event-codec.js';

/** One entry as returned by XRANGE / XREAD: `[id, [field, value, ...]]`. */
export type StreamEntry = [id: string, fields: string[]];

const ENTRY_ID_PATTERN = /^(\d+)-0$/;

/** The `seq` encoded in an entry id written by the append script. */
export function sequenceOfEntryId(entryId: string): number {
  const match = ENTRY_ID_PATTERN.exec(entryId);
  const seq = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new EventEncodingError(`Unexpected stream entry id "${entryId}"`);
  }
  return seq;
}

/** Stream id to pass to XRANGE/XREAD for "strictly after `seq`" (XREAD is exclusive by nature). */
export function entryIdOf(seq: number): string {
  return `${seq}-0`;
}

/** Decodes one entry; throws `EventEncodingError` when the entry was not written by the append script. */
export function entryToEvent(conversationId: string, entry: StreamEntry): ConversationEvent {
  const [entryId, fields] = entry;
  const seq = sequenceOfEntryId(entryId);
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const value = fields[index + 1];
    if (fields[index] === 'event' && value !== undefined) return toConversationEvent(conversationId, seq, value);
  }
  throw new EventEncodingError(`Stream entry ${entryId} has no "event" field`);
}
