/**
 * One contract for every `EmbeddingModel`: the OpenAI and Ollama adapters through their official SDKs against
 * local servers speaking the vendors' protocols, and the local feature-hashing model.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOllama } from '../../../test-support/fake-providers/fake-ollama.js';
import { FakeOpenAI } from '../../../test-support/fake-providers/fake-openai.js';
import type { FakeEmbeddingProvider, ScriptedFailure } from '../../../test-support/fake-providers/fake-provider.js';
import { providerErrorOf } from '../../../test-support/fake-providers/call-helpers.js';
import type { EmbeddingModel } from '../embedding-model.js';
import type { ProviderErrorKind } from '../provider-error.js';
import { LocalEmbeddingModel } from './local-embedding.js';
import { OllamaEmbeddingModel } from './ollama-embedding.js';
import { OpenAIEmbeddingModel } from './openai-embedding.js';

const TEXTS = ['How do I download an invoice?', 'Refund policy for annual plans', 'Rotate an API key'];
/** Exactly representable in float32, so base64 transport must reproduce them bit for bit. */
const VECTORS = [
  [0.5, -0.25, 0.125, 0.75],
  [-0.5, 0.25, 0.0625, -1],
  [1, 0, -0.375, 0.5],
];

interface Subject {
  name: string;
  start(): Promise<FakeEmbeddingProvider>;
  create(baseUrl: string, options?: { timeoutMs?: number; dimensions?: number }): EmbeddingModel;
}

const SUBJECTS: Subject[] = [
  {
    name: 'openai',
    start: () => FakeOpenAI.start(),
    create: (baseUrl, options = {}) => new OpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey: 'sk-test', baseUrl, dimensions: 4, ...options }),
  },
  {
    name: 'ollama',
    start: () => FakeOllama.start(),
    create: (baseUrl, options = {}) => new OllamaEmbeddingModel({ modelId: 'nomic-embed-text', host: baseUrl, dimensions: 4, ...options }),
  },
];

const FAILURES: { failure: ScriptedFailure; kind: ProviderErrorKind; retryAfterMs?: number }[] = [
  { failure: { kind: 'rate-limited', headers: { 'retry-after': '3' } }, kind: 'rate-limited', retryAfterMs: 3000 },
  { failure: { kind: 'overloaded' }, kind: 'overloaded' },
  { failure: { kind: 'server' }, kind: 'server' },
  { failure: { kind: 'authentication' }, kind: 'authentication' },
  { failure: { kind: 'context-length' }, kind: 'context-length' },
  { failure: { kind: 'malformed' }, kind: 'malformed' },
];

describe.each(SUBJECTS)('$name EmbeddingModel conformance', (subject) => {
  let fake: FakeEmbeddingProvider;
  let model: EmbeddingModel;

  beforeAll(async () => {
    fake = await subject.start();
  });
  afterAll(async () => fake.server.close());
  beforeEach(() => {
    fake.server.reset();
    model = subject.create(fake.baseUrl);
  });
  afterEach(() => {
    expect(fake.server.unexpected).toEqual([]);
    expect(fake.server.pendingReplies()).toBe(0);
  });

  it('returns one vector per text, in input order, with the usage the server reported', async () => {
    fake.embeddings(VECTORS, 21);
    const result = await model.embed(TEXTS);
    expect(result).toEqual({ embeddings: VECTORS, usage: { inputTokens: 21 } });
    expect(fake.embedRequests()).toEqual([expect.objectContaining({ model: model.modelId, input: TEXTS })]);
  });

  it('sends no request for no texts', async () => {
    expect(await model.embed([])).toEqual({ embeddings: [], usage: { inputTokens: 0 } });
    expect(fake.server.requests).toEqual([]);
  });

  it('fails vectors of the wrong size or count as malformed', async () => {
    fake.embeddings([[0.1, 0.2, 0.3], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3]], 5);
    expect((await providerErrorOf(model.embed(TEXTS))).kind).toBe('malformed');
    fake.embeddings(VECTORS.slice(0, 2), 5);
    expect((await providerErrorOf(model.embed(TEXTS))).kind).toBe('malformed');
  });

  it.each(FAILURES)('maps $failure.kind to $kind after exactly one request', async ({ failure, kind, retryAfterMs }) => {
    fake.failEmbedding(failure);
    const error = await providerErrorOf(model.embed(TEXTS));
    expect([error.kind, error.retryAfterMs, error.provider]).toEqual([kind, retryAfterMs, subject.name]);
    expect(fake.server.requestsTo(fake.embedPath)).toHaveLength(1);
  });

  it('maps no response within timeoutMs to timeout', async () => {
    model = subject.create(fake.baseUrl, { timeoutMs: 300 });
    fake.hangEmbedding();
    expect((await providerErrorOf(model.embed(TEXTS))).kind).toBe('timeout');
  });

  it('honours the abort signal', async () => {
    fake.hangEmbedding();
    const controller = new AbortController();
    const pending = model.embed(TEXTS, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('OpenAI embeddings specifics', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
  });
  afterAll(async () => fake.server.close());
  beforeEach(() => fake.server.reset());

  it('asks for base64 (the SDK default), decodes it, sends dimensions, and orders items by index', async () => {
    fake.embeddingsOutOfOrder(VECTORS, 9);
    const model = new OpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey: 'sk-test', baseUrl: fake.baseUrl, dimensions: 4 });
    expect((await model.embed(TEXTS)).embeddings).toEqual(VECTORS);
    expect(fake.embedRequests()[0]).toMatchObject({ encoding_format: 'base64', dimensions: 4 });
  });

  it('knows the default sizes of OpenAI models and leaves dimensions out of the request then', async () => {
    fake.embeddings([new Array<number>(1536).fill(0.5)], 2);
    const model = new OpenAIEmbeddingModel({ modelId: 'text-embedding-3-small', apiKey: 'sk-test', baseUrl: fake.baseUrl });
    expect(model.dimensions).toBe(1536);
    expect((await model.embed(['x'])).embeddings[0]).toHaveLength(1536);
    expect(fake.embedRequests()[0]).not.toHaveProperty('dimensions');
  });

  it('refuses an unknown model without a vector size', () => {
    expect(() => new OpenAIEmbeddingModel({ modelId: 'my-embedder', apiKey: 'sk-test', baseUrl: fake.baseUrl })).toThrow(/set dimensions/);
  });
});

describe('local EmbeddingModel conformance', () => {
  const model = new LocalEmbeddingModel({ dimensions: 256 });

  it('returns one unit vector of `dimensions` per text, in input order, text by text', async () => {
    const { embeddings, usage } = await model.embed(TEXTS);
    expect(embeddings).toHaveLength(3);
    for (const [index, vector] of embeddings.entries()) {
      expect(vector).toHaveLength(256);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
      expect(vector).toEqual((await model.embed([TEXTS[index] ?? ''])).embeddings[0]);
    }
    expect(new Set(embeddings.map((vector) => vector.join(','))).size).toBe(3);
    expect(usage.inputTokens).toBeGreaterThan(0);
  });

  it('answers no texts with no vectors, and honours an aborted signal', async () => {
    expect(await model.embed([])).toEqual({ embeddings: [], usage: { inputTokens: 0 } });
    await expect(model.embed(TEXTS, { abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
