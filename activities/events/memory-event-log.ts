import type { Logger } from '../../domain/logger.js';
import type { ConversationEvent, NewConversationEvent } from '../../domain/types.js';
import { assertReadLimit, assertSequenceOffset, encodeEvent, toConversationEvent } from './event-codec.js';
import type { AppendOptions, EventLog, EventSubscription } from './event-log.js';

/** Default number of events kept per conversation by the in-process log. */
export const DEFAULT_MEMORY_RETAINED_EVENTS = 10_000;

export interface MemoryEventLogOptions {
  logger: Logger;
  /**
   * Events kept per conversation (default {@link DEFAULT_MEMORY_RETAINED_EVENTS}). Older events are dropped
   * together with their dedupe keys; `seq` keeps counting, so reads and subscriptions that start before the
   * oldest retained event simply begin at it.
   */
  maxEventsPerConversation?: number;
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
 * Memory is bounded per conversation by `maxEventsPerConversation`; the number of conversations is not
 * bounded (each costs a counter and its retained events), which suits a single-process deployment.
 */
export class MemoryEventLog implements EventLog {
  private readonly conversations = new Map<string, ConversationLog>();
  private readonly maxEvents: number;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: MemoryEventLogOptions) {
    const maxEvents = options.maxEventsPerConversation ?? DEFAULT_MEMORY_RETAINED_EVENTS;
    if (!Number.isSafeInteger(maxEvents) || maxEvents < 1) {
      throw new RangeError(`maxEventsPerConversation must be a positive integer, got ${maxEvents}`);
    }
    this.maxEvents = maxEvents;
    this.logger = options.logger.child({ component: 'memory-event-log' });
  }

  append(conversationId: string, event: NewConversationEvent, options: AppendOptions = {}): Promise<number> {
    return settle(() => this.appendNow(conversationId, event, options));
  }

  lastSeq(conversationId: string): Promise<number> {
    return settle(() => {
      this.assertOpen();
      return this.conversations.get(conversationId)?.lastSeq ?? 0;
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
      log = { events: [], lastSeq: 0, dedupe: new Map(), subscribers: new Set() };
      this.conversations.set(conversationId, log);
    }
    return log;
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
