/**
 * A fake Anthropic Messages API (`POST /v1/messages`): JSON messages, SSE streams (message_start,
 * content_block_start/delta/stop, ping, message_delta, message_stop, and `error` events), and the API's
 * error bodies (`{ type: 'error', error: { type, message } }`, 529 for overloaded).
 */
import type { TokenUsage } from '../../domain/types.js';
import { bodiesTo, sse, type FakeChatProvider, type ScriptedAnswer, type ScriptedFailure, type ScriptedStream } from './fake-provider.js';
import { jsonReply, ScriptedServer, type RecordedRequest, type ScriptedReply } from './scripted-server.js';

const ROUTE = 'POST /v1/messages';
const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', refusal: 'refusal' } as const;

function errorBody(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

function failureReply(failure: ScriptedFailure): ScriptedReply {
  switch (failure.kind) {
    case 'rate-limited':
      return jsonReply(429, errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), failure.headers);
    case 'overloaded':
      return jsonReply(529, errorBody('overloaded_error', 'Overloaded'));
    case 'server':
      return jsonReply(500, errorBody('api_error', 'Internal server error'));
    case 'authentication':
      return jsonReply(401, errorBody('authentication_error', 'invalid x-api-key'));
    case 'bad-request':
      return jsonReply(400, errorBody('invalid_request_error', 'messages.0.content: Field required'));
    case 'context-length':
      return jsonReply(400, errorBody('invalid_request_error', 'prompt is too long: 215403 tokens > 200000 maximum'));
    case 'content-policy':
      return jsonReply(400, errorBody('invalid_request_error', 'Output blocked by content filtering policy'));
    case 'malformed':
      return { type: 'body', contentType: 'application/json', body: '{"id":"msg_01","type":"message","content":[{"type":"te' };
    case 'status':
      return jsonReply(failure.status, errorBody('api_error', `status ${failure.status}`));
  }
}

function usageOf(usage: TokenUsage, outputTokens = usage.outputTokens): Record<string, number> {
  return { input_tokens: usage.inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function message(model: string, content: unknown[], stopReason: string, usage: TokenUsage): unknown {
  return { id: 'msg_01Fake', type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: usageOf(usage) };
}

function modelOf(request: RecordedRequest): string {
  const model = (request.body as { model?: unknown }).model;
  return typeof model === 'string' ? model : 'unknown';
}

/** The events of a streamed text answer, split where the stream may stop early. */
function streamEvents(request: RecordedRequest, stream: ScriptedStream): { head: string[]; tail: string[] } {
  const start = { type: 'message_start', message: { ...(message(modelOf(request), [], '', stream.usage) as object), stop_reason: null, usage: usageOf(stream.usage, 1) } };
  const head = [
    sse(start, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'ping' }, 'ping'),
    ...stream.deltas.map((text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta')),
  ];
  const stopReason = STOP_REASONS[stream.finish ?? 'stop'];
  const tail = [
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: stream.usage.outputTokens } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  ];
  return { head, tail };
}

/** Scripted Anthropic server; `baseUrl` is what `new Anthropic({ baseURL })` takes. */
export class FakeAnthropic implements FakeChatProvider {
  readonly vendor = 'anthropic';
  readonly chatPath = '/v1/messages';
  readonly failures = new Set<ScriptedFailure['kind']>(['rate-limited', 'overloaded', 'server', 'authentication', 'bad-request', 'context-length', 'content-policy', 'malformed', 'status']);

  private constructor(readonly server: ScriptedServer) {}

  static async start(): Promise<FakeAnthropic> {
    return new FakeAnthropic(await ScriptedServer.start());
  }

  get baseUrl(): string {
    return this.server.url;
  }

  answer(answer: ScriptedAnswer): void {
    this.server.enqueue(ROUTE, (request) =>
      jsonReply(200, message(modelOf(request), [{ type: 'text', text: answer.text }], STOP_REASONS[answer.finish ?? 'stop'], answer.usage)),
    );
  }

  answerObject(value: unknown, usage: TokenUsage): void {
    this.server.enqueue(ROUTE, (request) => {
      const toolName = (request.body as { tool_choice?: { name?: string } }).tool_choice?.name ?? 'missing-tool-choice';
      return jsonReply(200, message(modelOf(request), [{ type: 'tool_use', id: 'toolu_01Fake', name: toolName, input: value }], 'tool_use', usage));
    });
  }

  streamAnswer(stream: ScriptedStream): void {
    this.server.enqueue(ROUTE, (request) => {
      const { head, tail } = streamEvents(request, stream);
      const ending = stream.ending ?? 'complete';
      const chunks = ending === 'complete' ? [...head, ...tail] : head;
      return { type: 'stream', contentType: 'text/event-stream', chunks, ending: ending === 'complete' || ending === 'cut' ? 'end' : ending };
    });
  }

  streamMalformed(deltas: string[]): void {
    this.server.enqueue(ROUTE, (request) => {
      const { head } = streamEvents(request, { deltas, usage: { inputTokens: 1, outputTokens: 1 } });
      return { type: 'stream', contentType: 'text/event-stream', chunks: [...head, 'event: content_block_delta\ndata: {"type":"content_block_delta","ind\n\n'], ending: 'end' };
    });
  }

  streamError(deltas: string[]): void {
    this.server.enqueue(ROUTE, (request) => {
      const { head } = streamEvents(request, { deltas, usage: { inputTokens: 1, outputTokens: 1 } });
      return { type: 'stream', contentType: 'text/event-stream', chunks: [...head, sse(errorBody('overloaded_error', 'Overloaded'), 'error')], ending: 'end' };
    });
  }

  fail(failure: ScriptedFailure): void {
    this.server.enqueue(ROUTE, failureReply(failure));
  }

  hang(): void {
    this.server.enqueue(ROUTE, { type: 'hang' });
  }

  chatRequests(): Record<string, unknown>[] {
    return bodiesTo(this.server, this.chatPath);
  }
}
