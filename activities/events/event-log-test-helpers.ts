/**
 * Test helpers shared by the event log suites (not used by production code): event fixtures, a collecting
 * listener, polling waits and the backends the conformance suite runs against.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, vi } from 'vitest';
import { EventType } from '../../domain/constants.js';
import { createLogger } from '../../domain/logger.js';
import type { ConversationEvent, NewConversationEvent } from '../../domain/types.js';
import type { EventLog } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';
import { RedisEventLog } from './redis-event-log.js';

/** The Redis the tests talk to (a real server; no mocks). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silentLogger = createLogger({ level: 'silent' });
const WAIT_OPTIONS = { timeout: 15_000, interval: 5 };

/** A fresh conversation id, so concurrent test runs never share keys. */
export function newConversationId(): string {
  return `test-${randomUUID()}`;
}

/** The n-th fixture event of a turn; its payload makes every event distinguishable. */
export function sampleEvent(index: number, turnId = 'turn-1'): NewConversationEvent {
  return {
    type: index === 0 ? EventType.turnStarted : EventType.tokenDelta,
    turnId,
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(),
    payload: { index, text: `token ${index}`, nested: { list: [index, null, 'é✓'] } },
  };
}

/** What a reader must see for `sampleEvent(index)` stored at `seq`. */
export function expectedEvent(conversationId: string, seq: number, index = seq - 1, turnId = 'turn-1'): ConversationEvent {
  return { ...sampleEvent(index, turnId), seq, conversationId };
}

/** Expected events for seqs `from..to` (inclusive) when event `seq` was `sampleEvent(seq - 1)`. */
export function expectedRange(conversationId: string, from: number, to: number): ConversationEvent[] {
  return Array.from({ length: to - from + 1 }, (_, offset) => expectedEvent(conversationId, from + offset));
}

/** Appends `sampleEvent(seq - 1)` for each seq in `from..to`, one after another. */
export async function appendRange(log: EventLog, conversationId: string, from: number, to: number): Promise<void> {
  for (let seq = from; seq <= to; seq += 1) {
    expect(await log.append(conversationId, sampleEvent(seq - 1))).toBe(seq);
  }
}

/** A listener that records what it receives. */
export function collector(): { events: ConversationEvent[]; listener: (event: ConversationEvent) => void } {
  const events: ConversationEvent[] = [];
  return { events, listener: (event) => events.push(event) };
}

/** Waits (polling, generous timeout) until `events` holds at least `count` items. */
export async function waitForCount(events: ConversationEvent[], count: number): Promise<void> {
  await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(count), WAIT_OPTIONS);
}

/** Polls `check` until it stops throwing. */
export async function waitUntil(check: () => void | Promise<void>): Promise<void> {
  await vi.waitFor(check, WAIT_OPTIONS);
}

/** One implementation under test: `log` plus `openPeer()` (another client of the same store). */
export interface EventLogBackend {
  log: EventLog;
  /** Redis: a second instance on its own connection. Memory: the same instance (one process, one store). */
  openPeer(): EventLog;
  dispose(): Promise<void>;
}

export function openMemoryBackend(): EventLogBackend {
  const log = new MemoryEventLog({ logger: silentLogger });
  return { log, openPeer: () => log, dispose: () => log.close() };
}

export function openRedisBackend(): EventLogBackend {
  const logs: EventLog[] = [];
  const open = (): EventLog => {
    const log = new RedisEventLog({ redisUrl: TEST_REDIS_URL, logger: silentLogger });
    logs.push(log);
    return log;
  };
  const log = open();
  return { log, openPeer: open, dispose: async () => void (await Promise.all(logs.map((each) => each.close()))) };
}

/** Deletes every Redis key of the given test conversations (the counters never expire on their own). */
export async function deleteRedisConversations(conversationIds: string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  const client = new Redis(TEST_REDIS_URL);
  try {
    for (const conversationId of conversationIds) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `agentcraft:events:{${conversationId}}*`, 'COUNT', 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    await client.quit();
  }
}
