/** Anthropic-only behaviour beyond the shared conformance suite: tool-use structured output, cache usage. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FakeAnthropic } from '../../../test-support/fake-providers/fake-anthropic.js';
import { sse } from '../../../test-support/fake-providers/fake-provider.js';
import { jsonReply } from '../../../test-support/fake-providers/scripted-server.js';
import type { ChatStreamPart } from '../chat-model.js';
import { generateObject } from '../structured-output.js';
import { AnthropicChatModel } from './anthropic-model.js';

const ROUTE = 'POST /v1/messages';
let fake: FakeAnthropic;
let model: AnthropicChatModel;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
});
afterAll(async () => fake.server.close());
beforeEach(() => {
  fake.server.reset();
  model = new AnthropicChatModel({ modelId: 'claude-test-1', apiKey: 'sk-ant-test', baseUrl: fake.baseUrl, idleTimeoutMs: 300 });
});

describe('AnthropicChatModel', () => {
  it('forces one tool whose input_schema is the requested schema, and returns its input as the JSON text', async () => {
    fake.answerObject({ intent: 'refund' }, { inputTokens: 3, outputTokens: 4 });
    const { object, result } = await generateObject(model, { purpose: 'route', messages: [{ role: 'user', content: 'refund' }] }, z.object({ intent: z.string() }), { name: 'route' });
    expect(object).toEqual({ intent: 'refund' });
    expect([result.text, result.finishReason]).toEqual(['{"intent":"refund"}', 'stop']);
    const body = fake.chatRequests()[0] ?? {};
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'respond' });
    expect(body.tools).toEqual([expect.objectContaining({ name: 'respond', input_schema: expect.objectContaining({ type: 'object', required: ['intent'] }) as unknown })]);
  });

  it('streams tool input_json_delta pieces as the text deltas of a structured reply', async () => {
    const usage = { input_tokens: 9, output_tokens: 1, cache_creation_input_tokens: null, cache_read_input_tokens: null };
    const start = { type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', model: 'claude-test-1', content: [], stop_reason: null, stop_sequence: null, usage } };
    const chunks = [
      sse(start, 'message_start'),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'respond', input: {} } }, 'content_block_start'),
      ...['{"intent"', ': "ref', 'und"}'].map((partial_json) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop'),
    ];
    fake.server.enqueue(ROUTE, { type: 'stream', contentType: 'text/event-stream', chunks, ending: 'end' });
    const parts: ChatStreamPart[] = [];
    for await (const part of model.stream({ purpose: 'route', messages: [{ role: 'user', content: 'refund' }] })) parts.push(part);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      result: { text: '{"intent": "refund"}', usage: { inputTokens: 9, outputTokens: 12 }, finishReason: 'stop', provider: 'anthropic', modelId: 'claude-test-1' },
    });
  });

  it('counts cache writes and reads as input tokens, and folds system-role messages into `system`', async () => {
    fake.server.enqueue(ROUTE, (request) =>
      jsonReply(200, {
        id: 'm', type: 'message', role: 'assistant', model: (request.body as { model: string }).model, content: [{ type: 'text', text: 'Hi' }],
        stop_reason: 'max_tokens', stop_sequence: null,
        usage: { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 2 },
      }),
    );
    const result = await model.generate({ purpose: 'agent', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }] });
    expect([result.usage, result.finishReason]).toEqual([{ inputTokens: 1110, outputTokens: 2 }, 'length']);
    const body = fake.chatRequests()[0] ?? {};
    expect([body.system, body.messages, body.max_tokens]).toEqual(['Be brief.', [{ role: 'user', content: 'Hello' }], 4096]);
  });
});
