/**
 * A fake Ollama server: `POST /api/chat` (one JSON object, or NDJSON chunks ending with a `done: true` chunk
 * that carries `prompt_eval_count` and `eval_count`) and `POST /api/embed`. Errors are `{ "error": "…" }`
 * with Ollama's statuses; mid-stream errors are an `{"error": …}` line.
 */
import type { TokenUsage } from '../../domain/types.js';
import { bodiesTo, type FakeChatProvider, type FakeEmbeddingProvider, type ScriptedAnswer, type ScriptedFailure, type ScriptedStream } from './fake-provider.js';
import { jsonReply, ScriptedServer, type RecordedRequest, type ScriptedReply } from './scripted-server.js';

const CHAT_ROUTE = 'POST /api/chat';
const EMBED_ROUTE = 'POST /api/embed';
const CREATED_AT = '2026-01-01T00:00:00.000000Z';

function failureReply(failure: ScriptedFailure): ScriptedReply {
  switch (failure.kind) {
    case 'rate-limited':
      return jsonReply(429, { error: 'too many requests' }, failure.headers);
    case 'overloaded':
      return jsonReply(503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    case 'server':
      return jsonReply(500, { error: 'llama runner process has terminated: exit status 2' });
    case 'authentication':
      return jsonReply(401, { error: 'unauthorized' });
    case 'bad-request':
      return jsonReply(404, { error: 'model "missing-model" not found, try pulling it first' });
    case 'context-length':
      return jsonReply(400, { error: 'the input length exceeds the context length' });
    case 'content-policy':
      throw new Error('Ollama has no content-policy refusals to fake');
    case 'malformed':
      return { type: 'body', contentType: 'application/json', body: '{"model":"m","message":{"role":"assis' };
    case 'status':
      return jsonReply(failure.status, { error: `status ${failure.status}` });
  }
}

function modelOf(request: RecordedRequest): string {
  const model = (request.body as { model?: unknown }).model;
  return typeof model === 'string' ? model : 'unknown';
}

function finalFields(usage: TokenUsage, finish: 'stop' | 'length'): Record<string, unknown> {
  return {
    done: true,
    done_reason: finish,
    total_duration: 5_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: usage.inputTokens,
    prompt_eval_duration: 1_000_000,
    eval_count: usage.outputTokens,
    eval_duration: 3_000_000,
  };
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function streamLines(request: RecordedRequest, stream: ScriptedStream): { head: string[]; tail: string[] } {
  const model = modelOf(request);
  const head = stream.deltas.map((content) => line({ model, created_at: CREATED_AT, message: { role: 'assistant', content }, done: false }));
  const finish = stream.finish === 'length' ? 'length' : 'stop';
  const tail = [line({ model, created_at: CREATED_AT, message: { role: 'assistant', content: '' }, ...finalFields(stream.usage, finish) })];
  return { head, tail };
}

/** Scripted Ollama server; `baseUrl` is what `new Ollama({ host })` takes. */
export class FakeOllama implements FakeChatProvider, FakeEmbeddingProvider {
  readonly vendor = 'ollama';
  readonly chatPath = '/api/chat';
  readonly embedPath = '/api/embed';
  readonly failures = new Set<ScriptedFailure['kind']>(['rate-limited', 'overloaded', 'server', 'authentication', 'bad-request', 'context-length', 'malformed', 'status']);

  private constructor(readonly server: ScriptedServer) {}

  static async start(): Promise<FakeOllama> {
    return new FakeOllama(await ScriptedServer.start());
  }

  get baseUrl(): string {
    return this.server.url;
  }

  answer(answer: ScriptedAnswer): void {
    if (answer.finish === 'refusal') throw new Error('Ollama has no refusals to fake');
    this.server.enqueue(CHAT_ROUTE, (request) =>
      jsonReply(200, { model: modelOf(request), created_at: CREATED_AT, message: { role: 'assistant', content: answer.text }, ...finalFields(answer.usage, answer.finish === 'length' ? 'length' : 'stop') }),
    );
  }

  answerObject(value: unknown, usage: TokenUsage): void {
    this.answer({ text: JSON.stringify(value), usage });
  }

  streamAnswer(stream: ScriptedStream): void {
    this.server.enqueue(CHAT_ROUTE, (request) => {
      const { head, tail } = streamLines(request, stream);
      const ending = stream.ending ?? 'complete';
      const chunks = ending === 'complete' ? [...head, ...tail] : head;
      return { type: 'stream', contentType: 'application/x-ndjson', chunks, ending: ending === 'complete' || ending === 'cut' ? 'end' : ending };
    });
  }

  streamError(deltas: string[]): void {
    this.server.enqueue(CHAT_ROUTE, (request) => {
      const { head } = streamLines(request, { deltas, usage: { inputTokens: 1, outputTokens: 1 } });
      return { type: 'stream', contentType: 'application/x-ndjson', chunks: [...head, line({ error: 'llama runner process has terminated' })], ending: 'end' };
    });
  }

  fail(failure: ScriptedFailure): void {
    this.server.enqueue(CHAT_ROUTE, failureReply(failure));
  }

  hang(): void {
    this.server.enqueue(CHAT_ROUTE, { type: 'hang' });
  }

  chatRequests(): Record<string, unknown>[] {
    return bodiesTo(this.server, this.chatPath);
  }

  embeddings(vectors: number[][], inputTokens: number): void {
    this.server.enqueue(EMBED_ROUTE, (request) =>
      jsonReply(200, { model: modelOf(request), embeddings: vectors, total_duration: 1_000_000, load_duration: 100_000, prompt_eval_count: inputTokens }),
    );
  }

  failEmbedding(failure: ScriptedFailure): void {
    this.server.enqueue(EMBED_ROUTE, failureReply(failure));
  }

  hangEmbedding(): void {
    this.server.enqueue(EMBED_ROUTE, { type: 'hang' });
  }

  embedRequests(): Record<string, unknown>[] {
    return bodiesTo(this.server, this.embedPath);
  }
}
