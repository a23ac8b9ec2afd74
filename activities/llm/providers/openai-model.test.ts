/** OpenAI-only behaviour beyond the shared conformance suite: compatible-server options and refusals. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../../../test-support/fake-providers/fake-openai.js';
import { jsonReply } from '../../../test-support/fake-providers/scripted-server.js';
import type { ChatRequest } from '../chat-model.js';
import { OpenAIChatModel } from './openai-model.js';

let fake: FakeOpenAI;
const request: ChatRequest = {
  purpose: 'route',
  messages: [{ role: 'user', content: 'refund' }],
  maxOutputTokens: 50,
  responseFormat: { type: 'json', name: 'route', schema: { type: 'object', properties: { intent: { type: 'string' } }, required: ['intent'] } },
  providerOptions: { openai: { seed: 7 }, anthropic: { top_k: 3 } },
};

beforeAll(async () => {
  fake = await FakeOpenAI.start();
});
afterAll(async () => fake.server.close());
beforeEach(() => fake.server.reset());

describe('OpenAIChatModel', () => {
  it('sends json_schema response_format, max_completion_tokens and only its own provider options by default', async () => {
    fake.answer({ text: '{"intent":"refund"}', usage: { inputTokens: 1, outputTokens: 1 } });
    await new OpenAIChatModel({ modelId: 'gpt-x', apiKey: 'sk-test', baseUrl: fake.baseUrl }).generate(request);
    const body = fake.chatRequests()[0] ?? {};
    expect(body).toMatchObject({ max_completion_tokens: 50, seed: 7, response_format: { type: 'json_schema', json_schema: { name: 'route', strict: false } } });
    expect(body).not.toHaveProperty('max_tokens');
    expect(body).not.toHaveProperty('top_k');
  });

  it('speaks to older compatible servers with max_tokens, and sends strict schemas when asked', async () => {
    fake.answer({ text: '{"intent":"refund"}', usage: { inputTokens: 1, outputTokens: 1 } });
    const model = new OpenAIChatModel({ modelId: 'local-llm', apiKey: 'none', baseUrl: fake.baseUrl, maxTokensField: 'max_tokens', strictJsonSchema: true });
    await model.generate(request);
    const body = fake.chatRequests()[0] ?? {};
    expect(body).toMatchObject({ max_tokens: 50, response_format: { json_schema: { strict: true } } });
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('treats a refusal message (structured outputs) as content-policy', async () => {
    fake.server.enqueue('POST /v1/chat/completions', () =>
      jsonReply(200, {
        id: 'c', object: 'chat.completion', created: 1, model: 'gpt-x',
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: "I can't help with that." }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
      }),
    );
    const error = await new OpenAIChatModel({ modelId: 'gpt-x', apiKey: 'sk-test', baseUrl: fake.baseUrl }).generate(request).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ kind: 'content-policy', retryable: false });
  });
});
