/**
 * Crash test: API, worker and Temporal dev server as separate processes sharing PostgreSQL and Redis.
 * The worker is killed with SIGKILL in the middle of a slow agent step; a new worker finishes the turn.
 * The API runs as in production (`jwt` auth mode): the customer calls it with a signed JWT.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createStore } from '../activities/persistence/kysely-store.js';
import type { Store } from '../activities/persistence/store.js';
import type { ConversationEvent } from '../domain/types.js';
import { findFreePort } from './dev-server.js';
import { createTestDatabase } from '../test-support/postgres.js';
import { startProcess, type ManagedProcess } from '../test-support/processes.js';
import { testTemporalAddress } from '../test-support/temporal.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let store: Store;
let api: ManagedProcess;
const workers: ManagedProcess[] = [];
let environment: Record<string, string>;
let apiUrl: string;
let token: string;

const JWT_SECRET = 'crash-test-shared-secret-of-at-least-32-bytes';

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await findFreePort();
  apiUrl = `http://127.0.0.1:${port}`;
  environment = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: `crash-${randomUUID()}`,
    DATABASE_URL: database.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    PORT: String(port),
    HOST: '127.0.0.1',
    // Every model call takes 4 s: the agent step is slow enough to kill the worker inside it.
    AGENTCRAFT_OFFLINE_LATENCY_MS: '4000',
    AGENTCRAFT_AUTH_MODE: 'jwt',
    AGENTCRAFT_JWT_SECRET: JWT_SECRET,
    AGENTCRAFT_JWT_ISSUER: 'https://issuer.crash.test',
    AGENTCRAFT_JWT_AUDIENCE: 'agentcraft',
  };
  token = await new SignJWT({ tenant_id: 'default', roles: ['customer'], customer_id: 'crash-customer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('crash-customer')
    .setIssuer('https://issuer.crash.test')
    .setAudience('agentcraft')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
  workers.push(startProcess('workers/worker-main.ts', environment));
  api = startProcess('api/server.ts', environment);
  await Promise.all([workers[0]!.waitForOutput(/worker running/), api.waitForOutput(/api listening/)]);
  store = createStore({ databaseUrl: database.url });
});

afterAll(async () => {
  await Promise.allSettled([api?.stop(), ...workers.map((worker) => worker.stop())]);
  await store?.close();
  await database?.drop();
});

describe('crash recovery', () => {
  it('finishes a turn exactly once after its worker is killed mid-way through a slow agent step', async () => {
    const response = await fetch(`${apiUrl}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: 'How do I rotate an API key?', customerId: 'crash-customer' }),
    });
    expect(response.status).toBe(202);
    const { conversationId, turnId } = (await response.json()) as { conversationId: string; turnId: string };

    const events: ConversationEvent[] = [];
    const socket = new WebSocket(`${apiUrl.replace('http', 'ws')}/api/ws/agent-tracking?access_token=${encodeURIComponent(token)}`);
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: ConversationEvent };
      if (frame.type === 'event' && frame.event !== undefined) events.push(frame.event);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'subscribe', conversationId, fromSeq: 0 }));

    await vi.waitFor(() => expect(events.some((event) => event.type === 'agent-started')).toBe(true), { timeout: 30_000, interval: 50 });
    expect(events.some((event) => event.type === 'agent-finished')).toBe(false);
    await workers[0]!.kill9();

    workers.push(startProcess('workers/worker-main.ts', environment));
    await workers[1]!.waitForOutput(/worker running/);
    await vi.waitFor(() => expect(events.some((event) => event.type === 'turn-finished')).toBe(true), { timeout: 90_000, interval: 200 });
    // Give a duplicate (if any) the chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    socket.close();

    expect(events.filter((event) => event.type === 'turn-finished')).toHaveLength(1);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const finished = events.find((event) => event.type === 'turn-finished')!;
    expect((finished.payload.result as { status: string; citations: unknown[] }).status).toBe('completed');
    expect((finished.payload.result as { citations: unknown[] }).citations.length).toBeGreaterThan(0);

    const stored = await store.getConversation(conversationId);
    expect(stored?.messages.filter((message) => message.role === 'assistant')).toHaveLength(1);
    expect(stored?.messages.filter((message) => message.role === 'user')).toHaveLength(1);
    expect(stored?.turns.map((turn) => [turn.id, turn.status])).toEqual([[turnId, 'completed']]);
    expect(stored?.turns[0]?.llmCalls.some((call) => call.purpose === 'agent' && call.attempt >= 2)).toBe(true);
  });
});
