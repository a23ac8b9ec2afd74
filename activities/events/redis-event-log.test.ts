import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventDedupeKey, eventSequenceKey, eventStreamKey } from '../../domain/constants.js';
import { EventEncodingError } from './event-codec.js';
import {
  appendRange,
  collector,
  deleteRedisConversations,
  expectedEvent,
  expectedRange,
  newConversationId,
  sampleEvent,
  silentLogger,
  TEST_REDIS_URL,
  waitForCount,
  waitUntil,
} from './event-log-test-helpers.js';
import { RedisEventLog, type RedisEventLogOptions } from './redis-event-log.js';

describe('RedisEventLog (Redis specifics)', () => {
  let inspector: Redis;
  const logs: RedisEventLog[] = [];
  const conversationIds: string[] = [];

  const openLog = (options: Partial<RedisEventLogOptions> = {}): RedisEventLog => {
    const log = new RedisEventLog({ redisUrl: TEST_REDIS_URL, logger: silentLogger, ...options });
    logs.push(log);
    return log;
  };
  const conversation = (): string => {
    const conversationId = newConversationId();
    conversationIds.push(conversationId);
    return conversationId;
  };
  const connectionsNamed = async (name: string): Promise<number> => {
    const list = await inspector.client('LIST');
    return String(list).split('\n').filter((line) => line.includes(` name=${name} `)).length;
  };

  beforeAll(() => {
    inspector = new Redis(TEST_REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close()));
  });
  afterAll(async () => {
    await deleteRedisConversations(conversationIds);
    await inspector.quit();
  });

  it('stores each event as entry <seq>-0 with one JSON "event" field, and expires what may expire', async () => {
    const log = openLog({ retentionSeconds: 3_600 });
    const conversationId = conversation();
    await log.append(conversationId, sampleEvent(0), { dedupeKey: 'once' });
    const entries = await inspector.xrange(eventStreamKey(conversationId), '-', '+');
    expect(entries).toEqual([['1-0', ['event', JSON.stringify(sampleEvent(0))]]]);
    expect(await inspector.get(eventDedupeKey(conversationId, 'once'))).toBe('1');
    expect(await inspector.ttl(eventStreamKey(conversationId))).toBeGreaterThan(3_500);
    expect(await inspector.ttl(eventDedupeKey(conversationId, 'once'))).toBeGreaterThan(3_500);
    // The counter never expires: a seq is never handed out twice for a conversation.
    expect(await inspector.ttl(eventSequenceKey(conversationId))).toBe(-1);
  });

  it('keeps counting after the stream expired', async () => {
    const log = openLog();
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 3);
    await inspector.del(eventStreamKey(conversationId));
    expect(await log.append(conversationId, sampleEvent(3))).toBe(4);
    expect(await log.read(conversationId, 0)).toEqual([expectedEvent(conversationId, 4)]);
  });

  it('continues after the last entry when the counter was lost', async () => {
    const log = openLog();
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 3);
    await inspector.del(eventSequenceKey(conversationId));
    expect(await log.lastSeq(conversationId)).toBe(3);
    expect(await log.append(conversationId, sampleEvent(3))).toBe(4);
    expect(await log.read(conversationId, 0)).toEqual(expectedRange(conversationId, 1, 4));
  });

  it('trims the stream to about maxEventsPerConversation, oldest first', async () => {
    const log = openLog({ maxEventsPerConversation: 10 });
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 400);
    const kept = await log.read(conversationId, 0);
    expect(kept.length).toBeLessThan(400);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    const firstKept = kept[0]?.seq ?? 0;
    expect(kept).toEqual(expectedRange(conversationId, firstKept, 400));
    expect(await log.lastSeq(conversationId)).toBe(400);
  });

  it('pages the backlog with XRANGE batches', async () => {
    const log = openLog({ batchSize: 7 });
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 30);
    const received = collector();
    const subscription = await log.subscribe(conversationId, 2, received.listener);
    await appendRange(log, conversationId, 31, 32);
    await waitForCount(received.events, 30);
    expect(received.events).toEqual(expectedRange(conversationId, 3, 32));
    await subscription.close();
  });

  it('rejects a corrupt entry on read but skips it in a subscription', async () => {
    const log = openLog();
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 1);
    await inspector.xadd(eventStreamKey(conversationId), '2-0', 'event', '{"type":"made-up"}');
    await inspector.set(eventSequenceKey(conversationId), '2');
    await expect(log.read(conversationId, 0)).rejects.toThrow(EventEncodingError);
    const received = collector();
    const subscription = await log.subscribe(conversationId, 0, received.listener);
    expect(await log.append(conversationId, sampleEvent(2))).toBe(3);
    await waitForCount(received.events, 2);
    expect(received.events).toEqual([expectedEvent(conversationId, 1), expectedEvent(conversationId, 3)]);
    await subscription.close();
  });

  it('closes a subscription blocked in XREAD at once and releases its connection', async () => {
    const log = openLog({ blockMilliseconds: 600_000 });
    const conversationId = conversation();
    const name = `${log.redisConnectionName}-subscription`;
    const subscription = await log.subscribe(conversationId, 0, () => undefined);
    await waitUntil(async () => expect(await connectionsNamed(name)).toBe(1));
    // With a 10-minute BLOCK, this only finishes within the test timeout if close() aborts the read.
    await subscription.close();
    await waitUntil(async () => expect(await connectionsNamed(name)).toBe(0));
  });

  it('closes its open subscriptions and its own connection on close()', async () => {
    const log = openLog({ blockMilliseconds: 600_000 });
    const name = log.redisConnectionName;
    await log.subscribe(conversation(), 0, () => undefined);
    await log.subscribe(conversation(), 0, () => undefined);
    await log.ping();
    await waitUntil(async () => expect(await connectionsNamed(`${name}-subscription`)).toBe(2));
    await log.close();
    await waitUntil(async () => expect((await connectionsNamed(name)) + (await connectionsNamed(`${name}-subscription`))).toBe(0));
    await expect(log.subscribe(conversation(), 0, () => undefined)).rejects.toThrow('closed');
    await expect(log.append(conversation(), sampleEvent(0))).rejects.toThrow();
  });

  it('reports an unreachable Redis from ping() and subscribe()', async () => {
    const log = openLog({ redisUrl: 'redis://127.0.0.1:1', pingTimeoutMilliseconds: 200 });
    await expect(log.ping()).rejects.toThrow();
    await expect(log.subscribe(conversation(), 0, () => undefined)).rejects.toThrow();
  });
});
