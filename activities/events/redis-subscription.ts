import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../../domain/logger.js';
import type { ConversationEvent } from '../../domain/types.js';
import type { EventSubscription } from './event-log.js';
import { entryIdOf, entryToEvent, sequenceOfEntryId, type StreamEntry } from './redis-stream-entries.js';

export interface RedisSubscriptionOptions {
  /** A connection owned by this subscription alone: it blocks in XREAD and is disconnected by `close()`. */
  connection: Redis;
  conversationId: string;
  streamKey: string;
  afterSeq: number;
  listener: (event: ConversationEvent) => void;
  logger: Logger;
  batchSize: number;
  blockMilliseconds: number;
  retryDelayMilliseconds: number;
  /** Called once when the subscription has stopped, so the owning log can forget it. */
  onClosed: (subscription: RedisSubscription) => void;
}

/**
 * Follows one conversation's stream for one listener: the backlog with XRANGE pages, then live entries with
 * XREAD BLOCK, always asking for entries strictly after the last delivered `seq`. That cursor is the only
 * state, so a failed command is simply retried (after a short pause) without gaps or duplicates.
 */
export class RedisSubscription implements EventSubscription {
  private lastDelivered: number;
  private caughtUp = false;
  private closed = false;
  private readonly pause = new AbortController();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: RedisSubscriptionOptions) {
    this.lastDelivered = options.afterSeq;
  }

  /** Starts the delivery loop in the background; it ends only when `close()` is called. */
  start(): void {
    this.running = this.run();
  }

  /**
   * Stops delivery: the listener is never called after this starts. Disconnects the blocking connection
   * (which aborts a pending XREAD at once) and resolves when the loop has exited.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.pause.abort();
      this.options.connection.disconnect();
    }
    await this.running;
  }

  private async run(): Promise<void> {
    const { logger, conversationId, retryDelayMilliseconds } = this.options;
    try {
      while (!this.closed) {
        try {
          this.deliver(await this.fetch());
        } catch (error) {
          if (this.closed) break;
          logger.warn({ err: error, conversationId, lastDelivered: this.lastDelivered }, 'event subscription read failed; retrying');
          await sleep(retryDelayMilliseconds, undefined, { signal: this.pause.signal }).catch(() => undefined);
        }
      }
    } finally {
      this.options.onClosed(this);
    }
  }

  private async fetch(): Promise<StreamEntry[]> {
    const { connection, streamKey, batchSize, blockMilliseconds } = this.options;
    if (!this.caughtUp) {
      const page = await connection.xrange(streamKey, `(${entryIdOf(this.lastDelivered)}`, '+', 'COUNT', batchSize);
      this.caughtUp = page.length < batchSize;
      return page;
    }
    const reply = await connection.xread('COUNT', batchSize, 'BLOCK', blockMilliseconds, 'STREAMS', streamKey, entryIdOf(this.lastDelivered));
    return reply?.[0]?.[1] ?? [];
  }

  private deliver(entries: StreamEntry[]): void {
    const { conversationId, listener, logger } = this.options;
    for (const entry of entries) {
      if (this.closed) return;
      const seq = sequenceOfEntryId(entry[0]);
      if (seq <= this.lastDelivered) continue;
      this.lastDelivered = seq;
      let event: ConversationEvent;
      try {
        event = entryToEvent(conversationId, entry);
      } catch (error) {
        // A live stream cannot stop on one bad entry: report it and move on (`read` throws instead).
        logger.error({ err: error, conversationId, seq }, 'skipping undecodable event');
        continue;
      }
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error, conversationId, seq }, 'event listener threw');
      }
    }
  }
}
