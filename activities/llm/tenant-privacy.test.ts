import { describe, expect, it } from 'vitest';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from './chat-model.js';
import { TenantPrivacyChatModel } from './tenant-privacy.js';

/** Records the options of every call; answers with a fixed result. */
class RecordingModel implements ChatModel {
  readonly provider = 'router';
  readonly modelId = 'adaptive';
  readonly seen: (CallOptions | undefined)[] = [];
  readonly result: ChatResult = { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', provider: 'offline', modelId: 'offline-extractive-v1' };
  generate(_request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    this.seen.push(options);
    return Promise.resolve(this.result);
  }
  async *stream(_request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart> {
    this.seen.push(options);
    yield await Promise.resolve({ type: 'finish', result: this.result } as const);
  }
}

const request: ChatRequest = { purpose: 'agent', messages: [{ role: 'user', content: 'hi' }] };
const context = (tenantId: string) => ({ tenantId, conversationId: 'c', turnId: 'c.1', callId: 'c.1/agent:1' });

describe('TenantPrivacyChatModel', () => {
  it('marks every call of a local-only tenant as localOnly, and leaves other tenants alone', async () => {
    const inner = new RecordingModel();
    const model = new TenantPrivacyChatModel(inner, new Set(['clinic']));
    await model.generate(request, { context: context('clinic') });
    for await (const part of model.stream(request, { context: context('clinic') })) expect(part.type).toBe('finish');
    await model.generate(request, { context: context('shop') });
    await model.generate(request);
    expect(inner.seen.map((options) => options?.context?.localOnly)).toEqual([true, true, undefined, undefined]);
    expect(model.provider).toBe('router');
  });
});
