/**
 * A fake OpenAI API: `POST /v1/chat/completions` (JSON, and SSE `data:` chunks ending in `data: [DONE]`,
 * with the usage chunk only when the request asked for `stream_options.include_usage`, as OpenAI does) and
 * `POST /v1/embeddings` (float or base64 vectors, as the request's `encoding_format` says).
 */
import type { TokenUsage } from '../../domain/types.js';
import { bodiesTo, sse, type FakeChatProvider, type FakeEmbeddingProvider, type ScriptedAnswer, type ScriptedFailure, type ScriptedStream } from './fake-provider.js';
import { jsonReply, ScriptedServer, type RecordedRequest, type ScriptedReply } from './scripted-server.js';

const CHAT_ROUTE = 'POST /v1/chat/completions';
const EMBED_ROUTE = 'POST /v1/embeddings';
const FINISH_REASONS = { stop: 'stop', length: 'length', refusal: 'content_filter' } as const;

function errorBody(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}

function failureReply(failure: ScriptedFailure): ScriptedReply {
  switch (failure.kind) {
    case 'rate-limited':
      return jsonReply(429, errorBody('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'), failure.headers);
    case 'overloaded':
      return jsonReply(503, errorBody('The server is overloaded or not ready yet.', 'server_error', null));
    case 'server':
      return jsonReply(500, errorBody('The server had an error while processing your request.', 'server_error', null));
    case 'authentication':
      return jsonReply(401, errorBody('Incorrect API key provided: sk-fake.', 'invalid_request_error', 'invalid_api_key'));
    case 'bad-request':
      return jsonReply(400, errorBody("Invalid value for 'temperature'.", 'invalid_request_error', 'invalid_value'));
    case 'context-length':
      return jsonReply(400, errorBody("This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.", 'invalid_request_error', 'context_length_exceeded'));
    case 'content-policy':
      return jsonReply(400, errorBody('Your request was rejected as a result of our safety system.', 'invalid_request_error', 'content_policy_violation'));
    case 'malformed':
      return { type: 'body', contentType: 'application/json', body: '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"ind' };
    case 'status':
      return jsonReply(failure.status, errorBody(`status ${failure.status}`, 'server_error', null));
  }
}

function completion(request: RecordedRequest, content: string, finishReason: string, usage: TokenUsage): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: (request.body as { model?: string }).model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
  };
}

function chunk(request: RecordedRequest, delta: Record<string, unknown>, finishReason: string | null): string {
  const model = (request.body as { model?: string }).model;
  return sse({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finishReason }] });
}

function streamChunks(request: RecordedRequest, stream: ScriptedStream): { head: string[]; tail: string[] } {
  const head = [chunk(request, { role: 'assistant', content: '' }, null), ...stream.deltas.map((content) => chunk(request, { content }, null))];
  const includeUsage = (request.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage === true;
  const { inputTokens, outputTokens } = stream.usage;
  const usage = { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
  const tail = [
    chunk(request, {}, FINISH_REASONS[stream.finish ?? 'stop']),
    ...(includeUsage ? [sse({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, choices: [], usage })] : []),
    sse('[DONE]'),
  ];
  return { head, tail };
}

/** Little-endian float32 bytes in base64, as OpenAI sends `encoding_format: 'base64'`. */
function base64Vector(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Scripted OpenAI server; `baseUrl` (ending in `/v1`) is what `new OpenAI({ baseURL })` takes. */
export class FakeOpenAI implements FakeChatProvider, FakeEmbeddingProvider {
  readonly vendor = 'openai';
  readonly chatPath = '/v1/chat/completions';
  readonly embedPath = '/v1/embeddings';
  readonly failures = new Set<ScriptedFailure['kind']>(['rate-limited', 'overloaded', 'server', 'authentication', 'bad-request', 'context-length', 'content-policy', 'malformed', 'status']);

  private constructor(readonly server: ScriptedServer) {}

  static async start(): Promise<FakeOpenAI> {
    return new FakeOpenAI(await ScriptedServer.start());
  }

  get baseUrl(): string {
    return `${this.server.url}/v1`;
  }

  answer(answer: ScriptedAnswer): void {
    this.server.enqueue(CHAT_ROUTE, (request) => jsonReply(200, completion(request, answer.text, FINISH_REASONS[answer.finish ?? 'stop'], answer.usage)));
  }

  answerObject(value: unknown, usage: TokenUsage): void {
    this.answer({ text: JSON.stringify(value), usage });
  }

  streamAnswer(stream: ScriptedStream): void {
    this.server.enqueue(CHAT_ROUTE, (request) => {
      const { head, tail } = streamChunks(request, stream);
      const ending = stream.ending ?? 'complete';
      const chunks = ending === 'complete' ? [...head, ...tail] : head;
      return { type: 'stream', contentType: 'text/event-stream', chunks, ending: ending === 'complete' || ending === 'cut' ? 'end' : ending };
    });
  }

  streamMalformed(deltas: string[]): void {
    this.server.enqueue(CHAT_ROUTE, (request) => {
      const { head } = streamChunks(request, { deltas, usage: { inputTokens: 1, outputTokens: 1 } });
      return { type: 'stream', contentType: 'text/event-stream', chunks: [...head, 'data: {"id":"chatcmpl-fake","choi\n\n'], ending: 'end' };
    });
  }

  streamError(deltas: string[]): void {
    this.server.enqueue(CHAT_ROUTE, (request) => {
      const { head } = streamChunks(request, { deltas, usage: { inputTokens: 1, outputTokens: 1 } });
      const error = sse({ error: { message: 'The server is overloaded.', type: 'server_error', code: null } });
      return { type: 'stream', contentType: 'text/event-stream', chunks: [...head, error], ending: 'end' };
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

  embeddings(vectors: number[][], inputTokens: number, reversed = false): void {
    this.server.enqueue(EMBED_ROUTE, (request) => {
      const { model, encoding_format: encoding } = request.body as { model?: string; encoding_format?: string };
      const data = vectors.map((vector, index) => ({ object: 'embedding', index, embedding: encoding === 'base64' ? base64Vector(vector) : vector }));
      const usage = { prompt_tokens: inputTokens, total_tokens: inputTokens };
      return jsonReply(200, { object: 'list', data: reversed ? data.reverse() : data, model, usage });
    });
  }

  embeddingsOutOfOrder(vectors: number[][], inputTokens: number): void {
    this.embeddings(vectors, inputTokens, true);
  }

  /** Queues a failure for the embeddings endpoint (the chat one is {@link fail}). */
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
