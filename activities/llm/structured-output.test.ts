import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from './chat-model.js';
import { ProviderError } from './provider-error.js';
import { extractJson, generateObject, jsonSchemaOf } from './structured-output.js';

/** Answers with canned texts in order; fails loudly when they run out. Records what it was asked. */
class ScriptedChatModel implements ChatModel {
  readonly provider = 'scripted';
  readonly modelId = 'scripted-1';
  readonly requests: ChatRequest[] = [];
  readonly options: CallOptions[] = [];

  constructor(private readonly texts: string[]) {}

  generate(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    this.requests.push(request);
    this.options.push(options);
    const text = this.texts.shift();
    if (text === undefined) throw new Error('ScriptedChatModel: no canned answer left');
    return Promise.resolve({ text, usage: { inputTokens: 10, outputTokens: 5 }, finishReason: 'stop', provider: this.provider, modelId: this.modelId });
  }

  stream(): AsyncIterable<ChatStreamPart> {
    throw new Error('ScriptedChatModel: stream is not scripted');
  }
}

const Route = z.object({ intent: z.string(), agents: z.array(z.string()).min(1), confidence: z.number().min(0).max(1) });
const request: ChatRequest = { purpose: 'route', messages: [{ role: 'user', content: 'Refund please' }] };

describe('generateObject', () => {
  it('sets responseFormat from the zod schema, passes call options, and returns the validated object', async () => {
    const model = new ScriptedChatModel(['{"intent":"refund","agents":["billing"],"confidence":0.8}']);
    const controller = new AbortController();
    const { object, result } = await generateObject(model, request, Route, { name: 'route', abortSignal: controller.signal });
    expect(object).toEqual({ intent: 'refund', agents: ['billing'], confidence: 0.8 });
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
    expect(model.requests[0]?.responseFormat).toEqual({ type: 'json', name: 'route', schema: jsonSchemaOf(Route) });
    expect(model.options[0]?.abortSignal).toBe(controller.signal);
  });

  it('strips code fences and surrounding prose', async () => {
    const model = new ScriptedChatModel([
      'Here you go:\n```json\n{"intent":"refund","agents":["billing"],"confidence":1}\n```\nAnything else?',
      'Sure! {"intent":"refund","agents":["billing"],"confidence":0} Hope this helps.',
    ]);
    expect((await generateObject(model, request, Route)).object.confidence).toBe(1);
    expect((await generateObject(model, request, Route)).object.confidence).toBe(0);
  });

  it('fails a reply that is not JSON, or violates the schema, as a retryable malformed ProviderError naming the field', async () => {
    const model = new ScriptedChatModel(['I think the intent is refund.', '{"intent":"refund","agents":[],"confidence":2}']);
    const notJson = await generateObject(model, request, Route).catch((error: unknown) => error);
    expect(notJson).toBeInstanceOf(ProviderError);
    expect(notJson).toMatchObject({ kind: 'malformed', provider: 'scripted', modelId: 'scripted-1', retryable: true });
    const invalid = await generateObject(model, request, Route).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ kind: 'malformed' });
    expect((invalid as Error).message).toMatch(/agents[\s\S]*confidence/);
  });
});

describe('jsonSchemaOf', () => {
  it('produces a plain JSON Schema object without $schema, with required fields and no extra properties', () => {
    expect(jsonSchemaOf(Route)).toEqual({
      type: 'object',
      properties: {
        intent: { type: 'string' },
        agents: { type: 'array', items: { type: 'string' }, minItems: 1 },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
      },
      required: ['intent', 'agents', 'confidence'],
      additionalProperties: false,
    });
  });

  it('refuses a non-object root, which vendors cannot take', () => {
    expect(() => jsonSchemaOf(z.array(z.string()))).toThrow(/object schema/);
  });
});

describe('extractJson', () => {
  it('keeps plain JSON as it is and takes the first fenced block', () => {
    expect(extractJson('{"a":1}')).toBe('{"a":1}');
    expect(extractJson('```\n{"a":1}\n```\n```json\n{"b":2}\n```')).toBe('{"a":1}');
  });
});
