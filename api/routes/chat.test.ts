/**
 * `POST /api/chat` and `GET …/state` against the real Temporal dev server and a real worker running the
 * stand-in workflows of `api/__fixtures__/fixture-workflows.ts` (the real pipeline is tested in workflows/).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryEventLog } from '../../activities/events/memory-event-log.js';
import { createStore } from '../../activities/persistence/kysely-store.js';
import { conversationWorkflowId } from '../../domain/constants.js';
import type { NewConversationEvent, TurnResult } from '../../domain/types.js';
import { createTestClient, testTemporalAddress, type TestClient } from '../../test-support/temporal.js';
import { installTemporalRuntime } from '../../workers/runtime.js';
import { closeConversation, getState } from '../../workflows/messages.js';
import { REJECTED_MESSAGE } from '../__fixtures__/fixture-workflows.js';
import { startApiServer, type RunningApiServer } from '../server.js';

const logger = pino({ level: 'silent' });
const taskQueue = `api-chat-test-${randomUUID()}`;
const store = createStore({ logger });
const eventLog = new MemoryEventLog({ logger });
let testClient: TestClient;
let workerConnection: NativeConnection;
let worker: Worker;
let workerRun: Promise<void>;
/** Waits up to 30 s for turn outcomes. */
let patient: RunningApiServer;
/** Gives up waiting after 300 ms. */
let impatient: RunningApiServer;
/** Sends to a task queue no worker polls, and gives Temporal 1 s to accept a message. */
let workerless: RunningApiServer;

beforeAll(async () => {
  // The API reads a conversation's owner from the store once its workflow is gone.
  await store.migrate();
  installTemporalRuntime(logger);
  testClient = await createTestClient();
  workerConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../__fixtures__/fixture-workflows.ts', import.meta.url)),
  });
  workerRun = worker.run();
  const base = { temporal: testClient.client, store, eventLog, logger, port: 0 };
  patient = await startApiServer({ ...base, configuration: { temporal: { taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000 } });
  impatient = await startApiServer({ ...base, configuration: { temporal: { taskQueue, namespace: 'default' }, waitTimeoutMs: 300 } });
  workerless = await startApiServer({
    ...base,
    configuration: { temporal: { taskQueue: `${taskQueue}-no-worker`, namespace: 'default' }, waitTimeoutMs: 300, temporalRpcTimeoutMs: 1_000 },
  });
});

afterAll(async () => {
  await Promise.allSettled([patient?.close(), impatient?.close(), workerless?.close()]);
  worker?.shutdown();
  await workerRun;
  await Promise.allSettled([workerConnection?.close(), testClient?.close(), store.close(), eventLog.close()]);
});

interface Accepted {
  conversationId: string;
  turnId: string;
  workflowId: string;
  turnWorkflowId: string;
}

async function chat(server: RunningApiServer, body: object, options: { query?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/chat${options.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function newConversation(): Promise<Accepted> {
  const { status, body } = await chat(patient, { message: 'Hello there', customerId: 'customer-1' });
  expect(status).toBe(202);
  return body as unknown as Accepted;
}

/** Resolves once the conversation workflow has accepted `turnCount` messages. */
async function untilAccepted(conversationId: string, turnCount: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const state = await testClient.client.workflow.getHandle(conversationWorkflowId(conversationId)).query(getState);
      expect(state.turnCount).toBe(turnCount);
    },
    { timeout: 15_000, interval: 50 },
  );
}

function outcomeEvent(type: 'turn-finished' | 'escalation-created', result: TurnResult): NewConversationEvent {
  const payload = type === 'turn-finished' ? { result } : { escalationId: result.escalationId, reason: 'low confidence', result };
  return { type, turnId: result.turnId, at: new Date().toISOString(), payload };
}

function turnResult(turnId: string, overrides: Partial<TurnResult> = {}): TurnResult {
  return { turnId, status: 'completed', answer: 'Rotate it in Settings [1].', citations: [], confidence: 0.8, agents: [{ id: 'success-manager', team: 'customer', score: 0.9, reason: 'matched: account' }], escalated: false, costUsd: 0, ...overrides };
}

describe('POST /api/chat', () => {
  it('starts a conversation with update-with-start and answers 202 with its ids', async () => {
    const accepted = await newConversation();
    expect(accepted.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(accepted).toEqual({
      conversationId: accepted.conversationId,
      turnId: `${accepted.conversationId}.1`,
      workflowId: `conversation-${accepted.conversationId}`,
      turnWorkflowId: `conversation-${accepted.conversationId}-turn-1`,
    });
    const description = await testClient.client.workflow.getHandle(accepted.workflowId).describe();
    expect(description.type).toBe('conversationWorkflow');
    expect(description.taskQueue).toBe(taskQueue);
  });

  it('sends later messages to the existing conversation', async () => {
    const { conversationId } = await newConversation();
    const { status, body } = await chat(patient, { message: 'And another thing', conversationId });
    expect(status).toBe(202);
    expect(body.turnId).toBe(`${conversationId}.2`);
  });

  it('applies a retried request with the same Idempotency-Key once', async () => {
    const { conversationId } = await newConversation();
    const headers = { 'idempotency-key': `retry-${randomUUID()}` };
    const first = await chat(patient, { message: 'Once please', conversationId }, { headers });
    const second = await chat(patient, { message: 'Once please', conversationId }, { headers });
    expect(second.body.turnId).toBe(first.body.turnId);
    await untilAccepted(conversationId, 2);
  });

  it('404s an unknown conversation', async () => {
    const { status, body } = await chat(patient, { message: 'Hi', conversationId: `unknown-${randomUUID()}` });
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'conversation_not_found' } });
  });

  it('maps a validator rejection (InvalidInput) to 400 with the workflow message', async () => {
    const { conversationId } = await newConversation();
    const { status, body } = await chat(patient, { message: REJECTED_MESSAGE, conversationId });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid_request', message: 'Message rejected by the workflow' } });
  });

  it('maps a closed conversation (validator ConversationClosed) to 409', async () => {
    const { conversationId, workflowId } = await newConversation();
    await testClient.client.workflow.getHandle(workflowId).signal(closeConversation, { reason: 'test' });
    const { status, body } = await chat(patient, { message: 'Still there?', conversationId });
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: { code: 'conversation_closed', message: 'The conversation is closed' } });
  });

  it('maps a message to a workflow that is no longer running to 409', async () => {
    const { conversationId, workflowId } = await newConversation();
    await testClient.client.workflow.getHandle(workflowId).terminate('test');
    const { status, body } = await chat(patient, { message: 'Hello?', conversationId });
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: { code: 'conversation_closed', message: 'The conversation is closed and accepts no more messages' } });
  });

  it('answers 504 temporal_timeout when no worker accepts the message in time', async () => {
    const { status, body } = await chat(workerless, { message: 'Anyone home?' });
    expect(status).toBe(504);
    expect(body).toMatchObject({ error: { code: 'temporal_timeout' } });
  });
});

describe('POST /api/chat?wait=true', () => {
  it("returns this turn's result, ignoring earlier events and other turns", async () => {
    const { conversationId } = await newConversation();
    const turnId = `${conversationId}.2`;
    // Already in the log before the request: not an outcome of the message about to be sent.
    await eventLog.append(conversationId, outcomeEvent('turn-finished', turnResult(turnId, { answer: 'stale' })));
    const pending = chat(patient, { message: 'Wait for me', conversationId }, { query: '?wait=true' });
    await untilAccepted(conversationId, 2);
    await eventLog.append(conversationId, outcomeEvent('turn-finished', turnResult(`${conversationId}.1`, { answer: 'other turn' })));
    await eventLog.append(conversationId, { type: 'turn-finished', turnId, at: new Date().toISOString(), payload: { result: { nonsense: true } } });
    await eventLog.append(conversationId, outcomeEvent('turn-finished', turnResult(turnId)));
    const { status, body } = await pending;
    expect(status).toBe(200);
    expect(body).toEqual({
      conversationId,
      workflowId: `conversation-${conversationId}`,
      turnWorkflowId: `conversation-${conversationId}-turn-2`,
      ...turnResult(turnId),
      outOfScope: false,
    });
  });

  it('returns an escalated turn as awaiting_review', async () => {
    const { conversationId } = await newConversation();
    const turnId = `${conversationId}.2`;
    const pending = chat(patient, { message: 'Refund me twice', conversationId }, { query: '?wait=true' });
    await untilAccepted(conversationId, 2);
    const escalated = turnResult(turnId, { status: 'awaiting_review', escalated: true, escalationId: 'esc-1', answer: '' });
    await eventLog.append(conversationId, outcomeEvent('escalation-created', escalated));
    const { status, body } = await pending;
    expect(status).toBe(200);
    expect(body).toMatchObject({ conversationId, turnId, status: 'awaiting_review', escalated: true, escalationId: 'esc-1' });
  });

  it('answers 202 with status running when the turn outlasts the wait', async () => {
    const { conversationId } = await newConversation();
    const { status, body } = await chat(impatient, { message: 'Slow one', conversationId }, { query: '?wait=true' });
    expect(status).toBe(202);
    expect(body).toEqual({
      conversationId,
      turnId: `${conversationId}.2`,
      workflowId: `conversation-${conversationId}`,
      turnWorkflowId: `conversation-${conversationId}-turn-2`,
      status: 'running',
    });
  });

  it('ends pending waits with 202 when the server shuts down', async () => {
    const { conversationId } = await newConversation();
    const closing = await startApiServer({
      temporal: testClient.client,
      store,
      eventLog,
      logger,
      port: 0,
      configuration: { temporal: { taskQueue, namespace: 'default' }, waitTimeoutMs: 60_000 },
    });
    const pending = chat(closing, { message: 'Closing time', conversationId }, { query: '?wait=true' });
    await untilAccepted(conversationId, 2);
    await closing.close();
    expect(await pending).toEqual({ status: 202, body: expect.objectContaining({ turnId: `${conversationId}.2`, status: 'running' }) as unknown });
  });

  it('stops waiting when the client disconnects (recorded as status 499)', async () => {
    const { conversationId } = await newConversation();
    const controller = new AbortController();
    const pending = chat(patient, { message: 'Never mind', conversationId }, { query: '?wait=true', signal: controller.signal });
    await untilAccepted(conversationId, 2);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${patient.port}/metrics`)).text();
      expect(metrics).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/chat",status_code="499"\} 1/);
    });
  });
});

describe('GET /api/conversations/:id/state', () => {
  it("merges the active turn's live state into the conversation state", async () => {
    const { conversationId, turnId, turnWorkflowId } = await newConversation();
    const response = await fetch(`http://127.0.0.1:${patient.port}/api/conversations/${conversationId}/state`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      conversationId,
      status: 'active',
      turnCount: 1,
      activeTurn: { turnId, turnNumber: 1, workflowId: turnWorkflowId },
      activeTurnState: { turnId, status: 'running', stage: 'retrieve' },
    });
  });
});
