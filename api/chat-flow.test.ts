/** The API against a real worker: chat round trips, traces, snapshots and WebSocket reconnects. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OfflineChatModel } from '../activities/llm/offline-model.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../test-support/pipeline.js';
import { connectTrackingClient } from '../test-support/websocket-client.js';
import { startApiServer, type RunningApiServer } from './server.js';

let pipeline: TestPipeline;
let api: RunningApiServer;
let baseUrl: string;

beforeAll(async () => {
  // 1 s per model call: turns last long enough to disconnect in the middle of one.
  pipeline = await startTestPipeline({ chatModel: new OfflineChatModel({ latencyMs: 1000 }) });
  api = await startApiServer({
    temporal: pipeline.client,
    store: pipeline.store,
    eventLog: pipeline.eventLog,
    configuration: { temporal: { taskQueue: pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000 },
    logger: testLogger,
    port: 0,
  });
  baseUrl = `http://127.0.0.1:${api.port}`;
});

afterAll(async () => {
  await api?.close();
  await pipeline?.close();
});

async function chat(body: Record<string, unknown>, wait = false) {
  const response = await fetch(`${baseUrl}/api/chat${wait ? '?wait=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/chat with a real worker', () => {
  it('answers with citations when waiting, and exposes the conversation, the trace and the live state', async () => {
    const { status, body } = await chat({ message: 'How do I rotate an API key?', customerId: 'customer-42' }, true);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'completed', escalated: false, outOfScope: false, agents: [expect.objectContaining({ id: 'integration-specialist', team: 'technical' })] });
    const citations = body.citations as { index: number; title: string; url: string }[];
    expect(citations.length).toBeGreaterThan(0);
    expect(citations[0]).toMatchObject({ index: 1 });
    expect(citations[0]?.url).toMatch(/^https:\/\/help\./);
    expect(String(body.answer)).toContain('[1]');

    const conversation = (await (await fetch(`${baseUrl}/api/conversations/${String(body.conversationId)}`)).json()) as {
      messages: { role: string; content: string }[];
    };
    expect(conversation.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(conversation.messages[1]?.content).toBe(body.answer);

    const trace = (await (await fetch(`${baseUrl}/api/conversations/${String(body.conversationId)}/turns/${String(body.turnId)}`)).json()) as {
      stages: { stage: string; durationMs: number }[];
      llmCalls: { purpose: string; modelId: string }[];
    };
    expect(trace.stages.map((stage) => stage.stage)).toEqual(['route', 'retrieve', 'agents', 'synthesize', 'qa', 'deliver']);
    expect(trace.llmCalls.map((call) => call.purpose).sort()).toEqual(['agent', 'synthesize']);

    // `turn-finished` is published by the turn's last activity, just before the conversation records it.
    await vi.waitFor(async () => {
      const state = (await (await fetch(`${baseUrl}/api/conversations/${String(body.conversationId)}/state`)).json()) as Record<string, unknown>;
      expect(state).toMatchObject({ status: 'active', turnCount: 1, activeTurn: null, lastTurn: { turnId: body.turnId } });
    });
  });

  it('returns 202 for a follow-up without waiting, and 404 for an unknown conversation without writing anything', async () => {
    const first = await chat({ message: 'How do I download an invoice?' }, true);
    const followUp = await chat({ message: 'And how do I change the billing email?', conversationId: first.body.conversationId });
    expect(followUp.status).toBe(202);
    expect(followUp.body).toMatchObject({ conversationId: first.body.conversationId, turnId: `${String(first.body.conversationId)}.2` });

    const unknownId = '6f1d7a8e-0000-4000-8000-000000000000';
    const unknown = await chat({ message: 'hello', conversationId: unknownId });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'conversation_not_found' } });
    expect(await pipeline.store.getConversation(unknownId)).toBeNull();
    expect(await pipeline.eventLog.lastSeq(unknownId)).toBe(0);
  });

  it('returns the holding answer at once when a turn waits for a reviewer', async () => {
    const { status, body } = await chat({ message: 'I need to talk to a person about my API key' }, true);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'awaiting_review', escalated: true });
    expect(String(body.escalationId)).toMatch(/\.review$/);
  });
});

describe('WebSocket /api/ws/agent-tracking', () => {
  it('a client that disconnects mid-turn and reconnects with its last seq sees exactly what an uninterrupted one sees', async () => {
    const accepted = await chat({ message: 'How do I set up SAML single sign-on?' });
    const conversationId = String(accepted.body.conversationId);
    const steady = await connectTrackingClient(baseUrl);
    steady.subscribe(conversationId, 0);
    const flaky = await connectTrackingClient(baseUrl);
    flaky.subscribe(conversationId, 0);

    await flaky.waitFor((event) => event.type === 'agent-started');
    await flaky.close();
    const lastSeen = flaky.events.at(-1)!.seq;
    expect(flaky.events.some((event) => event.type === 'turn-finished')).toBe(false);

    const resumed = await connectTrackingClient(baseUrl);
    resumed.subscribe(conversationId, lastSeen);
    await resumed.waitFor((event) => event.type === 'turn-finished');
    await steady.waitFor((event) => event.type === 'turn-finished');
    const snapshot = resumed.frames.find((frame) => frame.type === 'snapshot');
    expect(snapshot).toMatchObject({ conversationId });

    expect([...flaky.events, ...resumed.events]).toEqual(steady.events);
    expect(steady.events.map((event) => event.seq)).toEqual(steady.events.map((_, index) => index + 1));
    await Promise.all([steady.close(), resumed.close()]);
  });
});
