/**
 * The agent-tracking WebSocket against a real HTTP server, a real `ws` client, the in-process event log
 * (events appended directly by the test) and the real Temporal dev server (for snapshots).
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { createTestClient, type TestClient } from '../test-support/temporal.js';
import { startApiServer, type RunningApiServer, type StartApiServerOptions } from './server.js';
import { AGENT_TRACKING_PATH } from './websocket.js';
import type { ServerFrame } from './websocket-connection.js';

const logger = pino({ level: 'silent' });
const store = createStore({ logger });
const eventLog = new MemoryEventLog({ logger });
let testClient: TestClient;
let server: RunningApiServer;

async function startServer(websocket: StartApiServerOptions['websocket'] = {}): Promise<RunningApiServer> {
  return await startApiServer({
    temporal: testClient.client,
    store,
    eventLog,
    logger,
    port: 0,
    configuration: { temporal: { taskQueue: 'api-websocket-test', namespace: 'default' }, waitTimeoutMs: 1_000 },
    websocket: { maxSubscriptions: 3, ...websocket },
  });
}

beforeAll(async () => {
  // Subscriptions look up who owns a conversation in the store.
  await store.migrate();
  testClient = await createTestClient();
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
  await Promise.allSettled([testClient?.close(), store.close(), eventLog.close()]);
});

/** A `ws` client that records every frame it receives. */
class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8')) as ServerFrame));
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(target: RunningApiServer, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${target.port}${AGENT_TRACKING_PATH}`, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new TestSocket(socket);
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the next frame matching `predicate` after the first `from` frames; returns its index. */
  async waitFor(predicate: (frame: ServerFrame) => boolean, from = 0): Promise<number> {
    let index = -1;
    await vi.waitFor(() => {
      index = this.frames.findIndex((frame, position) => position >= from && predicate(frame));
      expect(index).toBeGreaterThanOrEqual(0);
    });
    return index;
  }

  /** Round trip through the server: every frame the server sent before this one has arrived. */
  async barrier(): Promise<void> {
    const from = this.frames.length;
    this.send('not json');
    await this.waitFor((frame) => frame.type === 'error' && frame.error.code === 'invalid_json', from);
  }

  eventSeqs(conversationId: string): number[] {
    return this.frames.flatMap((frame) => (frame.type === 'event' && frame.event.conversationId === conversationId ? [frame.event.seq] : []));
  }

  close(): void {
    this.socket.close();
  }
}

async function appendEvents(conversationId: string, count: number, payload: Record<string, unknown> = {}): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await eventLog.append(conversationId, { type: 'token-delta', turnId: `${conversationId}.1`, at: new Date().toISOString(), payload: { text: `t${index}`, ...payload } });
  }
}

describe('agent-tracking WebSocket', () => {
  it('answers invalid frames with error frames and keeps the connection open', async () => {
    const client = await TestSocket.open(server);
    const invalid: [unknown, string][] = [
      ['{"type":', 'invalid_json'],
      [{ type: 'subscribe' }, 'invalid_frame'],
      [{ type: 'subscribe', conversationId: 'ok', fromSeq: -1 }, 'invalid_frame'],
      [{ type: 'subscribe', conversationId: 'ok', fromSeq: 1.5 }, 'invalid_frame'],
      [{ type: 'subscribe', conversationId: '../../etc' }, 'invalid_frame'],
      [{ type: 'dance', conversationId: 'ok' }, 'invalid_frame'],
      [[1, 2], 'invalid_frame'],
    ];
    for (const [frame] of invalid) client.send(frame);
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await vi.waitFor(() => expect(client.frames).toHaveLength(invalid.length + 1));
    expect(client.frames.map((frame) => (frame.type === 'error' ? frame.error.code : frame.type))).toEqual([...invalid.map(([, code]) => code), 'invalid_frame']);
    expect(client.frames[1]).toMatchObject({ error: { message: expect.stringContaining('conversationId') as unknown } });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it('sends a snapshot, replays events after fromSeq, then live events, each exactly once and in order', async () => {
    const conversationId = randomUUID();
    await appendEvents(conversationId, 4);
    const client = await TestSocket.open(server);
    client.send({ type: 'subscribe', conversationId, fromSeq: 2 });
    await vi.waitFor(() => expect(client.eventSeqs(conversationId)).toEqual([3, 4]));
    expect(client.frames[0]).toEqual({ type: 'snapshot', conversationId, state: null, lastSeq: 4 });

    await appendEvents(conversationId, 2);
    await client.barrier();
    expect(client.eventSeqs(conversationId)).toEqual([3, 4, 5, 6]);
    const fifth = client.frames.find((frame) => frame.type === 'event' && frame.event.seq === 5);
    expect(fifth).toEqual({
      type: 'event',
      event: { seq: 5, conversationId, type: 'token-delta', turnId: `${conversationId}.1`, at: expect.any(String) as unknown, payload: { text: 't0' } },
    });
    client.close();
  });

  it('follows the reviewers\' feed of escalation events, not another tenant\'s feed, and no other name with a colon', async () => {
    const feed = 'reviewers:default';
    await appendEvents(feed, 2);
    const client = await TestSocket.open(server);
    client.send({ type: 'subscribe', conversationId: feed, fromSeq: 1 });
    await vi.waitFor(() => expect(client.eventSeqs(feed)).toEqual([2]));
    expect(client.frames[0]).toMatchObject({ type: 'snapshot', conversationId: feed, state: null });
    client.send({ type: 'subscribe', conversationId: 'reviewers:other-tenant' });
    await vi.waitFor(() => expect(client.frames.at(-1)).toMatchObject({ type: 'error', error: { code: 'not_found' }, conversationId: 'reviewers:other-tenant' }));
    client.send({ type: 'subscribe', conversationId: 'customers:default' });
    await vi.waitFor(() => expect(client.frames.at(-1)).toMatchObject({ type: 'error', error: { code: 'invalid_frame' } }));
    client.close();
  });

  it('replays the whole log, marked as a reset, when fromSeq is ahead of it (an in-process log after a restart)', async () => {
    const conversationId = randomUUID();
    await appendEvents(conversationId, 2);
    const client = await TestSocket.open(server);
    client.send({ type: 'subscribe', conversationId, fromSeq: 40 });
    await vi.waitFor(() => expect(client.eventSeqs(conversationId)).toEqual([1, 2]));
    expect(client.frames[0]).toEqual({ type: 'snapshot', conversationId, state: null, lastSeq: 2, logReset: true });
    client.close();
  });

  it('replays from the start without fromSeq, and a resubscribe replaces the earlier subscription', async () => {
    const conversationId = randomUUID();
    await appendEvents(conversationId, 3);
    const client = await TestSocket.open(server);
    client.send({ type: 'subscribe', conversationId });
    await vi.waitFor(() => expect(client.eventSeqs(conversationId)).toEqual([1, 2, 3]));
    client.send({ type: 'subscribe', conversationId, fromSeq: 3 });
    // (An event appended before the server reads the new frame would rightly be sent by both.)
    await vi.waitFor(() => expect(client.frames.filter((frame) => frame.type === 'snapshot')).toHaveLength(2));
    await appendEvents(conversationId, 1);
    await client.barrier();
    expect(client.eventSeqs(conversationId)).toEqual([1, 2, 3, 4]);
    client.close();
  });

  it('stops delivery after unsubscribe', async () => {
    const conversationId = randomUUID();
    const client = await TestSocket.open(server);
    client.send({ type: 'subscribe', conversationId });
    await client.waitFor((frame) => frame.type === 'snapshot');
    await appendEvents(conversationId, 1);
    client.send({ type: 'unsubscribe', conversationId });
    await client.waitFor((frame) => frame.type === 'unsubscribed' && frame.conversationId === conversationId);
    await appendEvents(conversationId, 2);
    await client.barrier();
    expect(client.eventSeqs(conversationId)).toEqual([1]);
    client.close();
  });

  it('bounds the number of subscriptions per socket', async () => {
    const client = await TestSocket.open(server);
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const conversationId of ids) client.send({ type: 'subscribe', conversationId });
    const rejected = await client.waitFor((frame) => frame.type === 'error' && frame.error.code === 'too_many_subscriptions');
    expect(client.frames[rejected]).toMatchObject({ conversationId: ids[3] });
    await vi.waitFor(() => expect(client.frames.filter((frame) => frame.type === 'snapshot')).toHaveLength(3));
    client.close();
  });

  it('refuses upgrades on other paths', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws/other`);
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      socket.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });

  it('closes a client that cannot keep up with 1013', async () => {
    const conversationId = randomUUID();
    await appendEvents(conversationId, 100, { padding: 'x'.repeat(200_000) });
    const slow = await startServer({ maxBufferedBytes: 64 * 1024 });
    const client = await TestSocket.open(slow);
    client.send({ type: 'subscribe', conversationId });
    expect((await client.closed).code).toBe(1013);
    expect(client.eventSeqs(conversationId).length).toBeLessThan(100);
    await slow.close();
  });

  it('drops a socket that stops answering pings', async () => {
    const heartbeat = await startServer({ heartbeatIntervalMs: 50 });
    const client = await TestSocket.open(heartbeat, { autoPong: false });
    expect((await client.closed).code).toBe(1006);
    await heartbeat.close();
  });

  it('closes sockets with 1001 when the server shuts down', async () => {
    const closing = await startServer();
    const client = await TestSocket.open(closing);
    client.send({ type: 'subscribe', conversationId: randomUUID() });
    await client.waitFor((frame) => frame.type === 'snapshot');
    await closing.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
  });
});
