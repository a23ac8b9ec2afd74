import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../domain/types.js';
import { appendRange, collector, expectedEvent, expectedRange, newConversationId, sampleEvent, silentLogger } from './event-log-test-helpers.js';
import type { EventSubscription } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';

describe('MemoryEventLog (in-process specifics)', () => {
  it('notifies subscribers before append resolves', async () => {
    const log = new MemoryEventLog({ logger: silentLogger });
    const conversationId = newConversationId();
    const received = collector();
    await log.subscribe(conversationId, 0, received.listener);
    await appendRange(log, conversationId, 1, 1);
    expect(received.events).toEqual([expectedEvent(conversationId, 1)]);
  });

  it('delivers events appended from inside a listener in order, exactly once, to every subscriber', async () => {
    const log = new MemoryEventLog({ logger: silentLogger });
    const conversationId = newConversationId();
    await appendRange(log, conversationId, 1, 2);
    const reentrant: ConversationEvent[] = [];
    const bystander = collector();
    let depth = 0;
    let deepest = 0;
    await log.subscribe(conversationId, 0, bystander.listener);
    await log.subscribe(conversationId, 0, (event) => {
      depth += 1;
      deepest = Math.max(deepest, depth);
      reentrant.push(event);
      // Appends while the backlog is still being delivered to this very subscriber.
      if (event.seq <= 2) void log.append(conversationId, sampleEvent(event.seq + 1));
      depth -= 1;
    });
    expect(await log.lastSeq(conversationId)).toBe(4);
    expect(deepest).toBe(1); // the listener is never re-entered
    expect(reentrant).toEqual(expectedRange(conversationId, 1, 4));
    expect(bystander.events).toEqual(expectedRange(conversationId, 1, 4));
  });

  it('stops at once when a listener closes its own subscription', async () => {
    const log = new MemoryEventLog({ logger: silentLogger });
    const conversationId = newConversationId();
    await appendRange(log, conversationId, 1, 5);
    const received: ConversationEvent[] = [];
    const subscription: EventSubscription = await log.subscribe(conversationId, 0, (event) => {
      received.push(event);
      if (event.seq === 6) void subscription.close();
    });
    await appendRange(log, conversationId, 6, 8);
    expect(received).toEqual(expectedRange(conversationId, 1, 6));
  });

  it('keeps only the newest maxEventsPerConversation events, with their dedupe keys', async () => {
    const log = new MemoryEventLog({ logger: silentLogger, maxEventsPerConversation: 3 });
    const conversationId = newConversationId();
    for (let seq = 1; seq <= 5; seq += 1) {
      expect(await log.append(conversationId, sampleEvent(seq - 1), { dedupeKey: `key-${seq}` })).toBe(seq);
    }
    expect(await log.lastSeq(conversationId)).toBe(5);
    expect(await log.read(conversationId, 0)).toEqual(expectedRange(conversationId, 3, 5));
    expect(await log.read(conversationId, 3, 1)).toEqual(expectedRange(conversationId, 4, 4));
    const received = collector();
    await log.subscribe(conversationId, 1, received.listener);
    expect(received.events).toEqual(expectedRange(conversationId, 3, 5));
    expect(await log.append(conversationId, sampleEvent(0), { dedupeKey: 'key-5' })).toBe(5);
    // The dedupe key of a dropped event is forgotten with it.
    expect(await log.append(conversationId, sampleEvent(5), { dedupeKey: 'key-1' })).toBe(6);
  });

  it('hands every reader its own copy', async () => {
    const log = new MemoryEventLog({ logger: silentLogger });
    const conversationId = newConversationId();
    const event = sampleEvent(0);
    await log.append(conversationId, event);
    event.payload.index = 'mutated by the appender';
    const [first] = await log.read(conversationId, 0);
    if (first) first.payload.index = 'mutated by a reader';
    expect(await log.read(conversationId, 0)).toEqual([expectedEvent(conversationId, 1)]);
  });

  it('rejects calls after close() and stops its subscriptions', async () => {
    const log = new MemoryEventLog({ logger: silentLogger });
    const conversationId = newConversationId();
    const received = collector();
    await log.subscribe(conversationId, 0, received.listener);
    await log.close();
    await expect(log.append(conversationId, sampleEvent(0))).rejects.toThrow('closed');
    await expect(log.ping()).rejects.toThrow('closed');
    expect(received.events).toEqual([]);
  });

  it('rejects a non-positive retention cap', () => {
    expect(() => new MemoryEventLog({ logger: silentLogger, maxEventsPerConversation: 0 })).toThrow(RangeError);
  });
});

describe('MemoryEventLog across many conversations', () => {
  const event = (turnId: string) => ({ type: 'token-delta' as const, turnId, at: '2026-01-01T00:00:00.000Z', payload: { text: 'x' } });

  it('drops the events of the least recently active conversation, keeps its sequence, and spares subscribed ones', async () => {
    const log = new MemoryEventLog({ logger: silentLogger, maxConversations: 2 });
    await log.append('a', event('a.1'));
    await log.append('a', event('a.1'));
    const seen: number[] = [];
    const subscription = await log.subscribe('b', 0, (received) => seen.push(received.seq));
    await log.append('b', event('b.1'));
    await log.append('c', event('c.1'));
    expect(await log.read('a', 0)).toEqual([]);
    expect(await log.lastSeq('a')).toBe(2);
    expect((await log.read('b', 0)).map((stored) => stored.seq)).toEqual([1]);
    expect(seen).toEqual([1]);
    expect(await log.append('a', event('a.2'))).toBe(3);
    // `a` is back and most recent; `c` (no subscriber) makes room, `b` (subscribed) stays.
    expect(await log.read('c', 0)).toEqual([]);
    expect((await log.read('b', 0)).map((stored) => stored.seq)).toEqual([1]);
    expect((await log.read('a', 0)).map((stored) => stored.seq)).toEqual([3]);
    await subscription.close();
    await log.close();
  });
});
