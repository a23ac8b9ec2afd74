import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../domain/types.js';
import { EventEncodingError } from './event-codec.js';
import type { EventLog, EventSubscription } from './event-log.js';
import {
  appendRange,
  collector,
  deleteRedisConversations,
  expectedEvent,
  expectedRange,
  newConversationId,
  openMemoryBackend,
  openRedisBackend,
  sampleEvent,
  waitForCount,
  type EventLogBackend,
} from './event-log-test-helpers.js';

describe.each([
  ['memory', openMemoryBackend, false],
  ['redis', openRedisBackend, true],
] as const)('EventLog conformance: %s', (_name, openBackend, usesRedis) => {
  let backend: EventLogBackend;
  let log: EventLog;
  let conversationIds: string[];
  let subscriptions: EventSubscription[];

  const conversation = (): string => {
    const conversationId = newConversationId();
    conversationIds.push(conversationId);
    return conversationId;
  };
  const subscribe = async (conversationId: string, afterSeq: number, listener: (event: ConversationEvent) => void) => {
    const subscription = await log.subscribe(conversationId, afterSeq, listener);
    subscriptions.push(subscription);
    return subscription;
  };

  beforeEach(() => {
    backend = openBackend();
    log = backend.log;
    conversationIds = [];
    subscriptions = [];
  });

  afterEach(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await backend.dispose();
    if (usesRedis) await deleteRedisConversations(conversationIds);
  });

  it('answers ping', async () => {
    await expect(log.ping()).resolves.toBeUndefined();
  });

  it('numbers events from 1 without gaps and reads them back exactly', async () => {
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 5);
    expect(await log.read(conversationId, 0)).toEqual(expectedRange(conversationId, 1, 5));
  });

  it('reads strictly after a seq, honouring the limit', async () => {
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 5);
    expect(await log.read(conversationId, 2)).toEqual(expectedRange(conversationId, 3, 5));
    expect(await log.read(conversationId, 2, 2)).toEqual(expectedRange(conversationId, 3, 4));
    expect(await log.read(conversationId, 0, 1)).toEqual(expectedRange(conversationId, 1, 1));
    expect(await log.read(conversationId, 5)).toEqual([]);
    expect(await log.read(conversationId, 99)).toEqual([]);
    expect(await log.read(conversation(), 0)).toEqual([]);
  });

  it('reports lastSeq, 0 for an empty conversation', async () => {
    const conversationId = conversation();
    expect(await log.lastSeq(conversationId)).toBe(0);
    await appendRange(log, conversationId, 1, 3);
    expect(await log.lastSeq(conversationId)).toBe(3);
  });

  it('stores a deduplicated event once and returns the first seq', async () => {
    const conversationId = conversation();
    expect(await log.append(conversationId, sampleEvent(0), { dedupeKey: 'first' })).toBe(1);
    expect(await log.append(conversationId, sampleEvent(7), { dedupeKey: 'first' })).toBe(1);
    expect(await log.append(conversationId, sampleEvent(1), { dedupeKey: 'second' })).toBe(2);
    expect(await log.append(conversationId, sampleEvent(2))).toBe(3);
    expect(await log.lastSeq(conversationId)).toBe(3);
    expect(await log.read(conversationId, 0)).toEqual(expectedRange(conversationId, 1, 3));

    const other = conversation();
    expect(await log.append(other, sampleEvent(0), { dedupeKey: 'first' })).toBe(1);
  });

  it('stores one event for 20 concurrent appends with the same dedupe key', async () => {
    const conversationId = conversation();
    const peer = backend.openPeer();
    const seqs = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? log : peer).append(conversationId, sampleEvent(0), { dedupeKey: 'retried-activity' }),
      ),
    );
    expect(seqs).toEqual(Array.from({ length: 20 }, () => 1));
    expect(await log.read(conversationId, 0)).toEqual([expectedEvent(conversationId, 1)]);
    expect(await peer.lastSeq(conversationId)).toBe(1);
  });

  it('gives concurrent appends from two clients unique, gap-free seqs', async () => {
    const conversationId = conversation();
    const peer = backend.openPeer();
    const count = 60;
    const seqs = await Promise.all(
      Array.from({ length: count }, (_, index) => (index % 2 === 0 ? log : peer).append(conversationId, sampleEvent(index))),
    );
    expect([...seqs].sort((left, right) => left - right)).toEqual(Array.from({ length: count }, (_, index) => index + 1));
    const stored = await peer.read(conversationId, 0);
    expect(stored.map((event) => event.seq)).toEqual(Array.from({ length: count }, (_, index) => index + 1));
    // Each append's event sits at the seq that append returned.
    expect(stored).toEqual(seqs.map((seq, index) => expectedEvent(conversationId, seq, index)).sort((left, right) => left.seq - right.seq));
  });

  it('delivers the backlog then live events, in order, exactly once', async () => {
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 3);
    const received = collector();
    await subscribe(conversationId, 0, received.listener);
    await appendRange(log, conversationId, 4, 6);
    await waitForCount(received.events, 6);
    expect(received.events).toEqual(expectedRange(conversationId, 1, 6));
  });

  it('loses and repeats nothing when appends race the backlog delivery', async () => {
    const conversationId = conversation();
    const peer = backend.openPeer();
    await appendRange(log, conversationId, 1, 20);
    const received = collector();
    const subscribing = subscribe(conversationId, 0, received.listener);
    await appendRange(peer, conversationId, 21, 40);
    await subscribing;
    await waitForCount(received.events, 40);
    expect(received.events).toEqual(expectedRange(conversationId, 1, 40));
  });

  it('subscribes from the middle of the log', async () => {
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 5);
    const received = collector();
    await subscribe(conversationId, 3, received.listener);
    await appendRange(log, conversationId, 6, 6);
    await waitForCount(received.events, 3);
    expect(received.events).toEqual(expectedRange(conversationId, 4, 6));
  });

  it('waits for events when subscribing past the end', async () => {
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 2);
    const received = collector();
    await subscribe(conversationId, 4, received.listener);
    await appendRange(log, conversationId, 3, 6);
    await waitForCount(received.events, 2);
    expect(received.events).toEqual(expectedRange(conversationId, 5, 6));
  });

  it('shows two subscribers the same sequence', async () => {
    const conversationId = conversation();
    const peer = backend.openPeer();
    const first = collector();
    const second = collector();
    await subscribe(conversationId, 0, first.listener);
    await subscribe(conversationId, 0, second.listener);
    await Promise.all(Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? log : peer).append(conversationId, sampleEvent(index))));
    await waitForCount(first.events, 30);
    await waitForCount(second.events, 30);
    const stored = await log.read(conversationId, 0);
    expect(stored).toHaveLength(30);
    expect(first.events).toEqual(stored);
    expect(second.events).toEqual(stored);
  });

  it('lets a reconnecting client resume from its last seq with nothing missed or repeated', async () => {
    const conversationId = conversation();
    await appendRange(log, conversationId, 1, 3);
    const uninterrupted = collector();
    const before = collector();
    await subscribe(conversationId, 0, uninterrupted.listener);
    const dropped = await subscribe(conversationId, 0, before.listener);
    await appendRange(log, conversationId, 4, 5);
    await waitForCount(before.events, 5);
    await dropped.close();
    await appendRange(log, conversationId, 6, 8); // published while the client is away
    const lastSeen = before.events.at(-1)?.seq ?? 0;
    const after = collector();
    await subscribe(conversationId, lastSeen, after.listener);
    await appendRange(log, conversationId, 9, 10);
    await waitForCount(uninterrupted.events, 10);
    await waitForCount(after.events, 5);
    expect([...before.events, ...after.events]).toEqual(uninterrupted.events);
    expect(uninterrupted.events).toEqual(expectedRange(conversationId, 1, 10));
  });

  it('stops delivering once a subscription is closed', async () => {
    const conversationId = conversation();
    const closedOne = collector();
    const subscription = await subscribe(conversationId, 0, closedOne.listener);
    await appendRange(log, conversationId, 1, 2);
    await waitForCount(closedOne.events, 2);
    await subscription.close();
    await subscription.close(); // idempotent
    await appendRange(log, conversationId, 3, 5);
    const witness = collector();
    await subscribe(conversationId, 0, witness.listener);
    await waitForCount(witness.events, 5);
    expect(closedOne.events).toEqual(expectedRange(conversationId, 1, 2));
  });

  it('never mixes conversations', async () => {
    const conversationId = conversation();
    const otherId = conversation();
    const received = collector();
    await subscribe(conversationId, 0, received.listener);
    for (let index = 0; index < 4; index += 1) {
      await log.append(otherId, sampleEvent(index, 'other-turn'));
      await log.append(conversationId, sampleEvent(index));
    }
    await waitForCount(received.events, 4);
    const otherReceived = collector();
    await subscribe(otherId, 0, otherReceived.listener);
    await waitForCount(otherReceived.events, 4);
    expect(received.events).toEqual(expectedRange(conversationId, 1, 4));
    expect(await log.read(conversationId, 0)).toEqual(expectedRange(conversationId, 1, 4));
    expect(otherReceived.events).toEqual(
      Array.from({ length: 4 }, (_, index) => expectedEvent(otherId, index + 1, index, 'other-turn')),
    );
  });

  it('keeps delivering to others when a listener throws', async () => {
    const conversationId = conversation();
    const healthy = collector();
    await subscribe(conversationId, 0, () => {
      throw new Error('consumer bug');
    });
    await subscribe(conversationId, 0, healthy.listener);
    await appendRange(log, conversationId, 1, 3);
    await waitForCount(healthy.events, 3);
    expect(healthy.events).toEqual(expectedRange(conversationId, 1, 3));
  });

  it('rejects invalid offsets, limits and events without storing anything', async () => {
    const conversationId = conversation();
    await expect(log.read(conversationId, -1)).rejects.toThrow(RangeError);
    await expect(log.read(conversationId, 0, 0)).rejects.toThrow(RangeError);
    await expect(log.subscribe(conversationId, 1.5, () => undefined)).rejects.toThrow(RangeError);
    const invalid = { ...sampleEvent(0), type: 'not-an-event-type' } as unknown as ReturnType<typeof sampleEvent>;
    await expect(log.append(conversationId, invalid)).rejects.toThrow(EventEncodingError);
    expect(await log.lastSeq(conversationId)).toBe(0);
  });

  it('stores what JSON carries: undefined fields vanish, dates become strings', async () => {
    const conversationId = conversation();
    const at = new Date(Date.UTC(2025, 5, 1));
    await log.append(conversationId, { ...sampleEvent(0), payload: { kept: 1, dropped: undefined, at } });
    const [stored] = await log.read(conversationId, 0);
    expect(stored?.payload).toStrictEqual({ kept: 1, at: at.toISOString() });
  });
});
