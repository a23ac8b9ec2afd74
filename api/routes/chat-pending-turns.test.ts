/**
 * The cap on turns per conversation, with a real worker whose model is held closed by a gate, so turns
 * stay running or queued for as long as the test needs: concurrent messages beyond the cap get 429
 * `too_many_pending_turns` with `Retry-After`, exactly the allowed number are accepted — also when they
 * arrive through two API processes at once (the conversation workflow's update validator checks the cap) —
 * and the conversation takes messages again once its turns finish.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallOptions, ChatModel, ChatRequest } from '../../activities/llm/chat-model.js';
import { OfflineChatModel } from '../../activities/llm/offline-model.js';
import { startApiHarness, type ApiHarness } from '../../test-support/api-harness.js';
import { testLogger } from '../../test-support/pipeline.js';
import { startApiServer, type RunningApiServer } from '../server.js';

/** The offline model behind a gate: while it is closed, every call waits until it opens. */
class GatedChatModel implements ChatModel {
  readonly provider = 'offline';
  readonly modelId = 'offline-extractive-v1';
  private readonly inner = new OfflineChatModel({ latencyMs: 0 });
  private release!: () => void;
  private opened!: Promise<void>;
  constructor() {
    this.close();
  }
  close(): void {
    this.opened = new Promise<void>((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release();
  }
  async generate(request: ChatRequest, options?: CallOptions) {
    await this.opened;
    return await this.inner.generate(request, options);
  }
  async *stream(request: ChatRequest, options?: CallOptions) {
    await this.opened;
    yield* this.inner.stream(request, options);
  }
}

const gate = new GatedChatModel();
let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness({ pipeline: { chatModel: gate }, configuration: { rateLimits: { enabled: false, maxPendingTurns: 3 } } });
});
afterAll(async () => {
  gate.open();
  await harness?.close();
});

describe('turns per conversation', () => {
  it('accepts up to the cap of running and queued turns, then answers 429 with Retry-After', async () => {
    const first = await harness.call('POST', '/api/chat', { message: 'How do I rotate an API key?' });
    expect(first.status).toBe(202);
    const conversationId = String(first.body.conversationId);
    const more = await Promise.all(Array.from({ length: 6 }, (_, index) => harness.call('POST', '/api/chat', { message: `And question ${index}?`, conversationId })));
    const accepted = more.filter((response) => response.status === 202);
    const refused = more.filter((response) => response.status === 429);
    expect(accepted).toHaveLength(2);
    expect(refused).toHaveLength(4);
    for (const response of refused) {
      expect(response.body.error).toMatchObject({ code: 'too_many_pending_turns' });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    gate.open();
    await vi.waitFor(async () => expect((await harness.call('GET', `/api/conversations/${conversationId}/state`)).body).toMatchObject({ turnCount: 3, queuedTurns: 0, activeTurn: null }), { timeout: 60_000, interval: 200 });
    const last = await harness.call('POST', '/api/chat?wait=true', { message: 'One more?', conversationId });
    expect(last.status).toBe(200);
    expect(last.body.turnId).toBe(`${conversationId}.4`);
  });

  it('holds across API processes: messages racing through two servers are accepted up to the cap, no more', async () => {
    gate.close();
    let second: RunningApiServer | undefined;
    try {
      second = await startApiServer({
        temporal: harness.pipeline.client,
        store: harness.pipeline.store,
        eventLog: harness.pipeline.eventLog,
        configuration: { temporal: { taskQueue: harness.pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000, rateLimits: { enabled: false, maxPendingTurns: 3 } },
        logger: testLogger,
        port: 0,
      });
      const secondUrl = `http://127.0.0.1:${second.port}`;
      const first = await harness.call('POST', '/api/chat', { message: 'How do I export invoices?' });
      expect(first.status).toBe(202);
      const conversationId = String(first.body.conversationId);
      const viaSecond = (message: string) =>
        fetch(`${secondUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message, conversationId }) }).then((response) => response.status);
      const statuses = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          index % 2 === 0 ? harness.call('POST', '/api/chat', { message: `Through A ${index}?`, conversationId }).then((response) => response.status) : viaSecond(`Through B ${index}?`),
        ),
      );
      expect(statuses.filter((status) => status === 202)).toHaveLength(2);
      expect(statuses.filter((status) => status === 429)).toHaveLength(6);
      expect((await harness.call('GET', `/api/conversations/${conversationId}/state`)).body).toMatchObject({ turnCount: 3 });
      gate.open();
      await vi.waitFor(async () => expect((await harness.call('GET', `/api/conversations/${conversationId}/state`)).body).toMatchObject({ turnCount: 3, queuedTurns: 0, activeTurn: null }), { timeout: 60_000, interval: 200 });
    } finally {
      gate.open();
      await second?.close();
    }
  });
});
