/**
 * One contract, every adapter: the official SDKs talk to local servers that speak each vendor wire
 * protocol (see test-support/fake-providers). The offline model runs the cases that apply to it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NETWORK_SUBJECTS, type NetworkSubject, type TestLimits } from '../../../test-support/fake-providers/conformance-subjects.js';
import type { FakeChatProvider, ScriptedFailure } from '../../../test-support/fake-providers/fake-provider.js';
import { capturingLogger } from '../../../test-support/fake-providers/capturing-logger.js';
import { jsonReply } from '../../../test-support/fake-providers/scripted-server.js';
import { closedPortUrl, collect, providerErrorOf, textOf } from '../../../test-support/fake-providers/call-helpers.js';
import type { ChatModel, ChatRequest } from '../chat-model.js';
import { OfflineChatModel } from '../offline-model.js';
import { ProviderError, type ProviderErrorKind } from '../provider-error.js';
import { generateObject } from '../structured-output.js';

const sdkLogs = capturingLogger();
const LIMITS: TestLimits = { timeoutMs: 5_000, idleTimeoutMs: 300, logger: sdkLogs.logger };
const USAGE = { inputTokens: 1234, outputTokens: 56 };
const request: ChatRequest = {
  purpose: 'agent',
  system: 'You are the billing agent.',
  messages: [{ role: 'user', content: 'How do I download an invoice?' }],
  documents: [
    { id: 'invoices#1', title: 'Download invoices', text: 'Click Download PDF next to an invoice to download it.' },
    { id: 'refunds#0', title: 'Refunds', text: 'Annual plans are refunded within 14 days.' },
  ],
  maxOutputTokens: 300,
  temperature: 0.2,
};

const FAILURES: { label: string; failure: ScriptedFailure; kind: ProviderErrorKind; status?: number; retryAfterMs?: number }[] = [
  { label: '429 with retry-after seconds', failure: { kind: 'rate-limited', headers: { 'retry-after': '7' } }, kind: 'rate-limited', status: 429, retryAfterMs: 7000 },
  { label: '429 with retry-after-ms', failure: { kind: 'rate-limited', headers: { 'retry-after-ms': '1500' } }, kind: 'rate-limited', status: 429, retryAfterMs: 1500 },
  { label: 'the vendor overloaded reply', failure: { kind: 'overloaded' }, kind: 'overloaded' },
  { label: 'a bare 529', failure: { kind: 'status', status: 529 }, kind: 'overloaded', status: 529 },
  { label: 'the vendor 500', failure: { kind: 'server' }, kind: 'server', status: 500 },
  { label: 'a 502', failure: { kind: 'status', status: 502 }, kind: 'server', status: 502 },
  { label: 'a 408', failure: { kind: 'status', status: 408 }, kind: 'timeout', status: 408 },
  { label: 'the vendor 401', failure: { kind: 'authentication' }, kind: 'authentication', status: 401 },
  { label: 'a 403', failure: { kind: 'status', status: 403 }, kind: 'authentication', status: 403 },
  { label: 'the vendor bad request', failure: { kind: 'bad-request' }, kind: 'bad-request' },
  { label: 'the vendor context-length error', failure: { kind: 'context-length' }, kind: 'context-length' },
  { label: 'the vendor content-policy rejection', failure: { kind: 'content-policy' }, kind: 'content-policy', status: 400 },
];

describe.each(NETWORK_SUBJECTS)('$name ChatModel conformance', (subject: NetworkSubject) => {
  let fake: FakeChatProvider;
  let model: ChatModel;

  beforeAll(async () => {
    fake = await subject.start();
  });
  afterAll(async () => fake.server.close());
  beforeEach(() => {
    fake.server.reset();
    model = subject.create(fake.baseUrl, LIMITS);
  });
  afterEach(() => {
    // Every scripted reply was consumed and nothing unscripted was asked for.
    expect(fake.server.unexpected).toEqual([]);
    expect(fake.server.pendingReplies()).toBe(0);
  });

  it('generates: text, stop reason, identity and the usage the server reported', async () => {
    fake.answer({ text: 'Click Download PDF. [1]', usage: USAGE });
    const result = await model.generate(request);
    expect(result).toEqual({ text: 'Click Download PDF. [1]', usage: USAGE, finishReason: 'stop', provider: subject.name, modelId: model.modelId });
  });

  it('sends the model, system text, documents as numbered sources, messages and limits', async () => {
    fake.answer({ text: 'ok', usage: USAGE });
    await model.generate(request);
    const view = subject.view(fake.chatRequests()[0] ?? {});
    expect(view.model).toBe(model.modelId);
    expect(view.system).toMatch(/^You are the billing agent\./);
    expect(view.system).toContain('[1] Download invoices\nClick Download PDF next to an invoice to download it.');
    expect(view.system).toContain('[2] Refunds\nAnnual plans are refunded within 14 days.');
    expect(view.system).toMatch(/cite/i);
    expect(view.messages).toEqual([{ role: 'user', content: 'How do I download an invoice?' }]);
    expect([view.maxOutputTokens, view.temperature, view.stream]).toEqual([300, 0.2, false]);
  });

  it('reports a length-limited answer as finishReason length', async () => {
    fake.answer({ text: 'Click Down', usage: USAGE, finish: 'length' });
    expect((await model.generate(request)).finishReason).toBe('length');
  });

  it('streams deltas that concatenate to the final text, then one finish with the streamed usage', async () => {
    fake.streamAnswer({ deltas: ['Click ', 'Download ', 'PDF. ', '[1]'], usage: USAGE });
    const parts = await collect(model.stream(request));
    expect(parts.slice(0, -1)).toEqual(['Click ', 'Download ', 'PDF. ', '[1]'].map((text) => ({ type: 'text-delta', text })));
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      result: { text: textOf(parts), usage: USAGE, finishReason: 'stop', provider: subject.name, modelId: model.modelId },
    });
    expect(subject.view(fake.chatRequests()[0] ?? {}).stream).toBe(true);
  });

  describe.each(['generate', 'stream'] as const)('errors (%s)', (mode) => {
    const run = (): Promise<unknown> => (mode === 'generate' ? model.generate(request) : collect(model.stream(request)));
    const cases = FAILURES.filter((entry) => subject.failures.has(entry.failure.kind));

    it.each(cases)('maps $label to $kind, after exactly one request', async (entry) => {
      fake.fail(entry.failure);
      const error = await providerErrorOf(run());
      expect({ kind: error.kind, provider: error.provider, modelId: error.modelId, afterFirstToken: error.afterFirstToken }).toEqual({
        kind: entry.kind,
        provider: subject.name,
        modelId: model.modelId,
        afterFirstToken: false,
      });
      if (entry.status !== undefined) expect(error.status).toBe(entry.status);
      expect(error.retryAfterMs).toBe(entry.retryAfterMs);
      expect(fake.server.requestsTo(fake.chatPath)).toHaveLength(1);
    });

    it('maps a request that gets no response within timeoutMs to timeout', async () => {
      model = subject.create(fake.baseUrl, { ...LIMITS, timeoutMs: 300 });
      fake.hang();
      expect((await providerErrorOf(run())).kind).toBe('timeout');
      expect(fake.server.requestsTo(fake.chatPath)).toHaveLength(1);
    });

    it('maps a refused connection to network', async () => {
      model = subject.create(subject.name === 'openai' ? `${await closedPortUrl()}/v1` : await closedPortUrl(), LIMITS);
      expect((await providerErrorOf(run())).kind).toBe('network');
    });

    it('honours the abort signal: rejects with the abort reason, not a ProviderError', async () => {
      fake.hang();
      const controller = new AbortController();
      const pending = mode === 'generate' ? model.generate(request, { abortSignal: controller.signal }) : collect(model.stream(request, { abortSignal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      await expect(pending).rejects.not.toBeInstanceOf(ProviderError);
    });
  });

  it('maps a 200 whose body is not the vendor JSON, or JSON of another shape, to malformed', async () => {
    fake.fail({ kind: 'malformed' });
    expect((await providerErrorOf(model.generate(request))).kind).toBe('malformed');
    fake.server.enqueue(`POST ${fake.chatPath}`, jsonReply(200, { unexpected: 'shape' }));
    expect((await providerErrorOf(model.generate(request))).kind).toBe('malformed');
  });

  it('honours an abort mid-stream, after text was yielded', async () => {
    fake.streamAnswer({ deltas: ['Click ', 'Download '], usage: USAGE, ending: 'stall' });
    const controller = new AbortController();
    const seen: string[] = [];
    const pending = (async () => {
      for await (const part of model.stream(request, { abortSignal: controller.signal })) {
        if (part.type !== 'text-delta') continue;
        seen.push(part.text);
        controller.abort();
      }
    })();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['Click ']);
  });

  describe('broken streams', () => {
    it.each(['stall', 'cut', 'drop'] as const)('a stream that ends by %s after text fails as stalled, afterFirstToken', async (ending) => {
      fake.streamAnswer({ deltas: ['Click ', 'Download '], usage: USAGE, ending });
      const deltas: string[] = [];
      const error = await providerErrorOf(
        (async () => {
          for await (const part of model.stream(request)) if (part.type === 'text-delta') deltas.push(part.text);
        })(),
      );
      expect(deltas).toEqual(['Click ', 'Download ']);
      expect([error.kind, error.afterFirstToken, error.retryable]).toEqual(['stalled', true, true]);
    });

    it('a stream that stalls before any text fails as stalled without afterFirstToken', async () => {
      fake.streamAnswer({ deltas: [], usage: USAGE, ending: 'stall' });
      const error = await providerErrorOf(collect(model.stream(request)));
      expect([error.kind, error.afterFirstToken]).toEqual(['stalled', false]);
    });

    it('an error event inside the stream maps to its kind, afterFirstToken', async () => {
      fake.streamError?.(['Click ']);
      const error = await providerErrorOf(collect(model.stream(request)));
      expect([error.kind, error.afterFirstToken]).toEqual([subject.midStreamErrorKind, true]);
    });

    // ollama-js drops unparsable NDJSON lines itself (with a console warning), so only SSE vendors get this case.
    if (subject.detectsMalformedStreamChunk) {
      it('an unparsable chunk fails as malformed, afterFirstToken, and the SDK logs it through pino', async () => {
        sdkLogs.lines.length = 0;
        fake.streamMalformed?.(['Click ']);
        const error = await providerErrorOf(collect(model.stream(request)));
        expect([error.kind, error.afterFirstToken]).toEqual(['malformed', true]);
        expect(sdkLogs.lines).toContainEqual(expect.objectContaining({ vendor: subject.name, msg: 'Could not parse message into JSON:' }));
      });
    }
  });

  // Ollama has no content-policy refusals; the other vendors do.
  if (subject.failures.has('content-policy')) describe('refusals', () => {
    it('a refusal stop in a generated answer fails as content-policy', async () => {
      fake.answer({ text: '', usage: USAGE, finish: 'refusal' });
      const error = await providerErrorOf(model.generate(request));
      expect([error.kind, error.retryable]).toEqual(['content-policy', false]);
    });

    it('a refusal stop at the end of a stream fails as content-policy, afterFirstToken', async () => {
      fake.streamAnswer({ deltas: ['I can'], usage: USAGE, finish: 'refusal' });
      const error = await providerErrorOf(collect(model.stream(request)));
      expect([error.kind, error.afterFirstToken]).toEqual(['content-policy', true]);
    });
  });

  describe('structured output', () => {
    const Answer = z.object({ answer: z.string(), confidence: z.number().min(0).max(1), citations: z.array(z.number().int()) });

    it('asks for the schema in the vendor native mode and returns the validated object', async () => {
      fake.answerObject({ answer: 'Click Download PDF.', confidence: 0.9, citations: [1] }, USAGE);
      const { object, result } = await generateObject(model, request, Answer, { name: 'answer' });
      expect(object).toEqual({ answer: 'Click Download PDF.', confidence: 0.9, citations: [1] });
      expect(result.usage).toEqual(USAGE);
      const schema = subject.view(fake.chatRequests()[0] ?? {}).jsonSchema as { type?: string; properties?: Record<string, unknown>; required?: string[] };
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties ?? {})).toEqual(['answer', 'confidence', 'citations']);
      expect(schema.required).toEqual(['answer', 'confidence', 'citations']);
    });

    it('fails a reply that violates the schema as malformed', async () => {
      fake.answerObject({ answer: 'Click Download PDF.', confidence: 7, citations: ['one'] }, USAGE);
      const error = await providerErrorOf(generateObject(model, request, Answer));
      expect([error.kind, error.provider, error.message]).toEqual(['malformed', subject.name, expect.stringMatching(/confidence/)]);
    });
  });
});

describe.each([
  { name: 'offline', create: (latencyMs = 0): ChatModel => new OfflineChatModel({ latencyMs }) },
])('$name ChatModel conformance (cases without a server)', ({ create }) => {
  it('generates a grounded, cited answer with usage', async () => {
    const result = await create().generate(request);
    expect(result.text).toBe('Click Download PDF next to an invoice to download it. [1]');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streams deltas that concatenate to the final text, and the finish equals generate', async () => {
    const model = create();
    const parts = await collect(model.stream(request));
    const finish = parts.at(-1);
    expect(finish?.type).toBe('finish');
    expect(finish?.type === 'finish' ? finish.result.text : undefined).toBe(textOf(parts));
    expect(finish).toEqual({ type: 'finish', result: await model.generate(request) });
  });

  it.each(['generate', 'stream'] as const)('honours the abort signal (%s)', async (mode) => {
    const model = create(60_000);
    const controller = new AbortController();
    const pending = mode === 'generate' ? model.generate(request, { abortSignal: controller.signal }) : collect(model.stream(request, { abortSignal: controller.signal }));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
