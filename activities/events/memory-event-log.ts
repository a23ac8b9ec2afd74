import type { Logger } from '../../domain/logger.js';
import type { ConversationEvent, NewConversationEvent } from '../../domain/types.js';
import { assertReadLimit, assertSequenceOffset, encodeEvent, toConversationEvent } from './event-codec.js';
import type { AppendOptions, EventLog, EventSubscription } from './event-log.js';

/** Default number of events kept per conversation by the in-process log. */
export const DEFAULT_MEMORY_RETAINED_EVENTS = 10_000;
/** Default number of conversations whose events the in-process log keeps (the least recently active go first). */
export const DEFAULT_MEMORY_RETAINED_CONVERSATIONS = 5_000;

export interface MemoryEventLogOptions {
  logger: Logger;
  /**
   * Events kept per conversation (default {@link DEFAULT_MEMORY_RETAINED_EVENTS}). Older events are dropped
   * together with their dedupe keys; `seq` keeps counting, so reads and subscriptions that start before the
   * oldest retained event simply begin at it.
   */
  maxEventsPerConversation?: number;
  /**
   * Conversations whose events are kept (default {@link DEFAULT_MEMORY_RETAINED_CONVERSATIONS}). Beyond it,
   * the least recently active conversation without subscribers loses its events and dedupe keys; its `seq`
   * counter stays, so later events continue the sequence (the conversation's text is in the database).
   */
  maxConversations?: number;
}

/** Runs `work` now and turns a synchronous throw into a rejected promise, as an async adapter would. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

interface StoredEvent {
  seq: number;
  json: string;
  dedupeKey: string | undefined;
}

interface ConversationLog {
  /** Retained events, ascending and contiguous in `seq`. */
  events: StoredEvent[];
  lastSeq: number;
  dedupe: Map<string, number>;
  subscribers: Set<MemorySubscriber>;
}

/**
 * Delivers one conversation's events to one listener. The cursor (`lastDelivered`) is the only state, so an
 * append that happens while the backlog is being delivered (even from inside the listener) is picked up by
 * the running loop: nothing is skipped and nothing is delivered twice.
 */
class MemorySubscriber implements EventSubscription {
  private delivering = false;
  private closed = false;

  constructor(
    private readonly conversationId: string,
    private readonly log: ConversationLog,
    private lastDelivered: number,
    private readonly listener: (event: ConversationEvent) => void,
    private readonly logger: Logger,
  ) {}

  /** Delivers every retained event after the cursor; re-entrant calls return at once (the outer loop continues). */
  drain(): void {
    if (this.delivering || this.closed) return;
    this.delivering = true;
    try {
      for (let next = this.next(); next !== undefined && !this.closed; next = this.next()) {
        this.lastDelivered = next.seq;
        this.deliver(next);
      }
    } finally {
      this.delivering = false;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.log.subscribers.delete(this);
    return Promise.resolve();
  }

  private next(): StoredEvent | undefined {
    const first = this.log.events[0];
    if (first === undefined) return undefined;
    return this.log.events[Math.max(0, this.lastDelivered + 1 - first.seq)];
  }

  private deliver(stored: StoredEvent): void {
    try {
      this.listener(toConversationEvent(this.conversationId, stored.seq, stored.json));
    } catch (error) {
      // A failing consumer must neither break the appender nor starve the other subscribers.
      this.logger.error({ err: error, conversationId: this.conversationId, seq: stored.seq }, 'event listener threw');
    }
  }
}

/**
 * In-process `EventLog` for the embedded mode (API and worker in one process). Appends are synchronous under
 * the hood, so `seq` assignment and dedupe are trivially atomic; subscribers are notified synchronously and in
 * order before `append` resolves. Each reader gets its own decoded copy of an event.
 *
 * Memory is bounded per conversation by `maxEventsPerConversation` and across conversations by
 * `maxConversations` (an evicted conversation keeps only its `seq` counter).
 */
export class MemoryEventLog implements EventLog {
  /** Conversations with retained events, least recently active first (Map order). */
  private readonly conversations = new Map<string, ConversationLog>();
  /** `seq` counters of evicted conversations. */
  private readonly evictedSequences = new Map<string, number>();
  private readonly maxEvents: number;
  private readonly maxConversations: number;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: MemoryEventLogOptions) {
    const maxEvents = options.maxEventsPerConversation ?? DEFAULT_MEMORY_RETAINED_EVENTS;
    if (!Number.isSafeInteger(maxEvents) || maxEvents < 1) {
      throw new RangeError(`maxEventsPerConversation must be a positive integer, got ${maxEvents}`);
    }
    this.maxEvents = maxEvents;
    const maxConversations = options.maxConversations ?? DEFAULT_MEMORY_RETAINED_CONVERSATIONS;
    if (!Number.isSafeInteger(maxConversations) || maxConversations < 1) {
      throw new RangeError(`maxConversations must be a positive integer, got ${maxConversations}`);
    }
    this.maxConversations = maxConversations;
    this.logger = options.logger.child({ component: 'memory-event-log' });
  }

  append(conversationId: string, event: NewConversationEvent, options: AppendOptions = {}): Promise<number> {
    return settle(() => this.appendNow(conversationId, event, options));
  }

  lastSeq(conversationId: string): Promise<number> {
    return settle(() => {
      this.assertOpen();
      return this.conversations.get(conversationId)?.lastSeq ?? this.evictedSequences.get(conversationId) ?? 0;
    });
  }

  read(conversationId: string, afterSeq: number, limit?: number): Promise<ConversationEvent[]> {
    return settle(() => this.readNow(conversationId, afterSeq, limit));
  }

  subscribe(
    conversationId: string,
    afterSeq: number,
    listener: (event: ConversationEvent) => void,
  ): Promise<EventSubscription> {
    return settle(() => {
      this.assertOpen();
      assertSequenceOffset(afterSeq);
      const log = this.conversation(conversationId);
      const subscriber = new MemorySubscriber(conversationId, log, afterSeq, listener, this.logger);
      log.subscribers.add(subscriber);
      subscriber.drain();
      return subscriber;
    });
  }

  ping(): Promise<void> {
    return settle(() => this.assertOpen());
  }

  /** Closes every subscription and drops all events; further calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const subscribers = [...this.conversations.values()].flatMap((log) => [...log.subscribers]);
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
    this.conversations.clear();
  }

  private appendNow(conversationId: string, event: NewConversationEvent, options: AppendOptions): number {
    this.assertOpen();
    const json = encodeEvent(event);
    const log = this.conversation(conversationId);
    const { dedupeKey } = options;
    const existing = dedupeKey === undefined ? undefined : log.dedupe.get(dedupeKey);
    if (existing !== undefined) return existing;

    const seq = log.lastSeq + 1;
    log.lastSeq = seq;
    log.events.push({ seq, json, dedupeKey });
    if (dedupeKey !== undefined) log.dedupe.set(dedupeKey, seq);
    this.trim(log);
    this.touch(conversationId, log);
    for (const subscriber of [...log.subscribers]) subscriber.drain();
    return seq;
  }

  private readNow(conversationId: string, afterSeq: number, limit: number | undefined): ConversationEvent[] {
    this.assertOpen();
    assertSequenceOffset(afterSeq);
    assertReadLimit(limit);
    const events = this.conversations.get(conversationId)?.events ?? [];
    const first = events[0];
    if (first === undefined) return [];
    const start = Math.max(0, afterSeq + 1 - first.seq);
    const end = limit === undefined ? undefined : start + limit;
    return events.slice(start, end).map((stored) => toConversationEvent(conversationId, stored.seq, stored.json));
  }

  private conversation(conversationId: string): ConversationLog {
    let log = this.conversations.get(conversationId);
    if (log === undefined) {
      log = { events: [], lastSeq: this.evictedSequences.get(conversationId) ?? 0, dedupe: new Map(), subscribers: new Set() };
      this.evictedSequences.delete(conversationId);
      this.conversations.set(conversationId, log);
      this.evictIdle();
    }
    return log;
  }

  /** Marks the conversation as the most recently active one. */
  private touch(conversationId: string, log: ConversationLog): void {
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, log);
  }

  /** Drops the events of the least recently active conversations that nobody is subscribed to. */
  private evictIdle(): void {
    let excess = this.conversations.size - this.maxConversations;
    for (const [conversationId, log] of this.conversations) {
      if (excess <= 0) return;
      if (log.subscribers.size > 0) continue;
      this.conversations.delete(conversationId);
      this.evictedSequences.set(conversationId, log.lastSeq);
      excess -= 1;
    }
  }

  private trim(log: ConversationLog): void {
    const excess = log.events.length - this.maxEvents;
    if (excess <= 0) return;
    for (const dropped of log.events.splice(0, excess)) {
      if (dropped.dedupeKey !== undefined) log.dedupe.delete(dropped.dedupeKey);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryEventLog is closed');
  }
}
