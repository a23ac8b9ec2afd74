import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { eventDedupeKey, eventSequenceKey, eventStreamKey } from '../../domain/constants.js';
import type { Logger } from '../../domain/logger.js';
import type { ConversationEvent, NewConversationEvent } from '../../domain/types.js';
import { assertReadLimit, assertSequenceOffset, encodeEvent } from './event-codec.js';
import type { AppendOptions, EventLog, EventSubscription } from './event-log.js';
import { runAppendScript } from './redis-append-script.js';
import { entryIdOf, entryToEvent, sequenceOfEntryId } from './redis-stream-entries.js';
import { RedisSubscription } from './redis-subscription.js';

/** Default retention of a conversation's stream and dedupe markers after its last append: 7 days. */
export const DEFAULT_EVENT_RETENTION_SECONDS = 7 * 24 * 60 * 60;
/** Default approximate number of events kept per conversation stream (`XADD MAXLEN ~`). */
export const DEFAULT_REDIS_RETAINED_EVENTS = 10_000;

export interface RedisEventLogOptions {
  /** `redis://` or `rediss://` URL (`REDIS_URL`). */
  redisUrl: string;
  logger: Logger;
  /** Seconds a stream and each dedupe marker live after the last append (default 7 days). */
  retentionSeconds?: number;
  /** Approximate maximum events kept per stream; Redis may keep slightly more (default 10 000). */
  maxEventsPerConversation?: number;
  /** XREAD BLOCK timeout; bounds how long a dead socket can go unnoticed (default 5 000 ms). */
  blockMilliseconds?: number;
  /** Entries fetched per XRANGE/XREAD call (default 500). */
  batchSize?: number;
  /** Pause before a subscription retries a failed read (default 1 000 ms). */
  retryDelayMilliseconds?: number;
  /** How long `ping()` waits for PONG before reporting Redis unreachable (default 2 000 ms). */
  pingTimeoutMilliseconds?: number;
}

/**
 * Production `EventLog` on Redis Streams. Layout per conversation (keys from `domain/constants.ts`):
 * - `…:seq` — the counter behind `seq`; never expires, so a `seq` is never reused and a client reconnecting
 *   with an old offset cannot skip new events (one small key per conversation);
 * - the stream — entry id `<seq>-0`, one `event` field with the JSON; expires `retentionSeconds` after the last
 *   append (refreshed on every append) and is trimmed to about `maxEventsPerConversation` entries;
 * - `…:dedupe:<key>` — `seq` of the first append with that key; expires after `retentionSeconds`.
 * Retention drops the oldest events only: reads and subscriptions that start before them begin at the oldest
 * kept event. Run Redis with `noeviction` or a `volatile-*` policy so the counters are never evicted (if one is,
 * the next append continues after the stream's last entry).
 *
 * Each subscription holds its own connection (XREAD BLOCK occupies it); `close()` releases it.
 */
export class RedisEventLog implements EventLog {
  private readonly client: Redis;
  private readonly logger: Logger;
  private readonly subscriptions = new Set<RedisSubscription>();
  private readonly settings: Required<Omit<RedisEventLogOptions, 'redisUrl' | 'logger'>>;
  private readonly connectionName = `agentcraft-events-${randomUUID()}`;
  private closed = false;

  constructor(options: RedisEventLogOptions) {
    this.settings = {
      retentionSeconds: positiveInteger('retentionSeconds', options.retentionSeconds ?? DEFAULT_EVENT_RETENTION_SECONDS),
      maxEventsPerConversation: positiveInteger('maxEventsPerConversation', options.maxEventsPerConversation ?? DEFAULT_REDIS_RETAINED_EVENTS),
      blockMilliseconds: positiveInteger('blockMilliseconds', options.blockMilliseconds ?? 5_000),
      batchSize: positiveInteger('batchSize', options.batchSize ?? 500),
      retryDelayMilliseconds: positiveInteger('retryDelayMilliseconds', options.retryDelayMilliseconds ?? 1_000),
      pingTimeoutMilliseconds: positiveInteger('pingTimeoutMilliseconds', options.pingTimeoutMilliseconds ?? 2_000),
    };
    this.logger = options.logger.child({ component: 'redis-event-log' });
    this.client = new Redis(options.redisUrl, { connectionName: this.connectionName });
    this.client.on('error', (error: unknown) => this.logger.warn({ err: error }, 'redis connection error'));
  }

  /** Name of the shared connection in `CLIENT LIST`; subscription connections are named `<name>-subscription`. */
  get redisConnectionName(): string {
    return this.connectionName;
  }

  async append(conversationId: string, event: NewConversationEvent, options: AppendOptions = {}): Promise<number> {
    return runAppendScript(this.client, {
      sequenceKey: eventSequenceKey(conversationId),
      streamKey: eventStreamKey(conversationId),
      dedupeKey: options.dedupeKey === undefined ? undefined : eventDedupeKey(conversationId, options.dedupeKey),
      eventJson: encodeEvent(event),
      retentionSeconds: this.settings.retentionSeconds,
      maxStreamLength: this.settings.maxEventsPerConversation,
    });
  }

  async lastSeq(conversationId: string): Promise<number> {
    const stored = await this.client.get(eventSequenceKey(conversationId));
    if (stored !== null) return positiveInteger('stored seq', Number(stored));
    const [last] = await this.client.xrevrange(eventStreamKey(conversationId), '+', '-', 'COUNT', 1);
    return last === undefined ? 0 : sequenceOfEntryId(last[0]);
  }

  /** Throws `EventEncodingError` if a stored entry does not decode (corruption is reported, not hidden). */
  async read(conversationId: string, afterSeq: number, limit?: number): Promise<ConversationEvent[]> {
    assertSequenceOffset(afterSeq);
    assertReadLimit(limit);
    const start = `(${entryIdOf(afterSeq)}`;
    const streamKey = eventStreamKey(conversationId);
    const entries = limit === undefined
      ? await this.client.xrange(streamKey, start, '+')
      : await this.client.xrange(streamKey, start, '+', 'COUNT', limit);
    return entries.map((entry) => entryToEvent(conversationId, entry));
  }

  /**
   * Resolves once the subscription's own connection is ready; delivery then runs in the background. An entry
   * that does not decode is logged and skipped (a live stream cannot stop on it).
   */
  async subscribe(
    conversationId: string,
    afterSeq: number,
    listener: (event: ConversationEvent) => void,
  ): Promise<EventSubscription> {
    assertSequenceOffset(afterSeq);
    this.assertOpen();
    const connection = this.client.duplicate({ lazyConnect: true, connectionName: `${this.connectionName}-subscription` });
    connection.on('error', (error: unknown) => this.logger.warn({ err: error, conversationId }, 'redis subscription connection error'));
    try {
      await connection.connect();
      this.assertOpen(); // close() may have run while this connection was being set up
    } catch (error) {
      connection.disconnect();
      throw error;
    }
    const subscription = new RedisSubscription({
      connection,
      conversationId,
      streamKey: eventStreamKey(conversationId),
      afterSeq,
      listener,
      logger: this.logger,
      batchSize: this.settings.batchSize,
      blockMilliseconds: this.settings.blockMilliseconds,
      retryDelayMilliseconds: this.settings.retryDelayMilliseconds,
      onClosed: (closed) => this.subscriptions.delete(closed),
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** PINGs Redis; rejects when no PONG arrives within `pingTimeoutMilliseconds`. */
  async ping(): Promise<void> {
    const timeout = new AbortController();
    const timedOut = sleep(this.settings.pingTimeoutMilliseconds, undefined, { signal: timeout.signal }).then(() => {
      throw new Error(`Redis did not answer PING within ${this.settings.pingTimeoutMilliseconds} ms`);
    });
    try {
      await Promise.race([this.client.ping(), timedOut]);
    } finally {
      timeout.abort();
      timedOut.catch(() => undefined);
    }
  }

  /** Closes every open subscription, then quits the shared connection; later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.client.status === 'ready') {
      await this.client.quit();
    } else {
      this.client.disconnect();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RedisEventLog is closed');
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
