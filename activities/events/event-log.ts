import type { ConversationEvent, NewConversationEvent } from '../../domain/types.js';

export interface AppendOptions {
  /**
   * Idempotency key: appending twice with the same key (per conversation) stores the event once and
   * returns the first append's `seq`. Activities use it so a retried attempt never publishes twice.
   */
  dedupeKey?: string;
}

export interface EventSubscription {
  close(): Promise<void>;
}

/**
 * A per-conversation, sequence-numbered, append-only event log. `seq` starts at 1 and has no gaps.
 * Implementations: Redis Streams (production) and in-process (embedded). Both pass one conformance suite.
 */
export interface EventLog {
  append(conversationId: string, event: NewConversationEvent, options?: AppendOptions): Promise<number>;
  /** The highest `seq` stored for the conversation (0 when the log is empty). */
  lastSeq(conversationId: string): Promise<number>;
  /** Events with `seq > afterSeq`, in order, at most `limit` (default: all). */
  read(conversationId: string, afterSeq: number, limit?: number): Promise<ConversationEvent[]>;
  /**
   * Delivers every event with `seq > afterSeq` (already stored or appended later) to `listener`, in order,
   * each exactly once, until the subscription is closed.
   */
  subscribe(
    conversationId: string,
    afterSeq: number,
    listener: (event: ConversationEvent) => void,
  ): Promise<EventSubscription>;
  /** Reachability check for `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
