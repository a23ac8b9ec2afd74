/**
 * Ollama `/api/chat` adapter (`ollama` is imported here and in `ollama-embedding.ts` only). Streams are NDJSON;
 * usage comes from the final chunk's `prompt_eval_count` and `eval_count`. Structured output passes the JSON
 * Schema as `format`. The `ollama` client has no retries, timeout or per-request signal of its own, so every
 * call gets a client whose `fetch` adds them and keeps the response for its `retry-after` header.
 */
import { Ollama, type ChatRequest as OllamaChatRequest, type ChatResponse } from 'ollama';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../chat-model.js';
import { ProviderErrorKind, type ProviderError } from '../provider-error.js';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, guardedCall, guardedStream, type StreamAccumulator } from './guarded-stream.js';
import { conversationMessages, systemPrompt, vendorOptions } from './prompt.js';
import {
  CONTEXT_LENGTH_WORDING,
  failure,
  isConnectionFailure,
  kindForStatus,
  parseRetryAfterMs,
  type ModelIdentity,
} from './provider-failure.js';

/** Settings of one {@link OllamaChatModel}. */
export interface OllamaModelOptions {
  modelId: string;
  /** For example `http://127.0.0.1:11434`. */
  host: string;
  /** Limit for a request to get its response headers (ms); a non-streamed chat sends them when done. */
  timeoutMs?: number;
  /** Limit between two stream chunks (ms); default 15 s. */
  idleTimeoutMs?: number;
}

/** One call's client and what its transport saw. */
export interface OllamaCall {
  client: Ollama;
  /** The HTTP response, once headers arrived (for `retry-after` on errors). */
  response: Response | undefined;
  timedOut: boolean;
}

/** An `Ollama` client for one call: request timeout, the caller's abort signal, and the response kept. */
export function ollamaCall(host: string, timeoutMs: number, signal: AbortSignal | undefined): OllamaCall {
  const seen: Omit<OllamaCall, 'client'> = { response: undefined, timedOut: false };
  const timedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      seen.timedOut = true;
      deadline.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    const signals = [deadline.signal, init.signal, signal].filter((item): item is AbortSignal => item instanceof AbortSignal);
    try {
      seen.response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
      return seen.response;
    } finally {
      clearTimeout(timer);
    }
  };
  return Object.assign(seen, { client: new Ollama({ host, fetch: timedFetch }) });
}

/** `ChatModel` over a local or remote Ollama server. */
export class OllamaChatModel implements ChatModel {
  readonly provider = 'ollama';
  readonly modelId: string;
  private readonly options: OllamaModelOptions;

  constructor(options: OllamaModelOptions) {
    this.modelId = options.modelId;
    this.options = options;
  }

  async generate(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    let call: OllamaCall | undefined;
    const response = await guardedCall(options.abortSignal, (error) => toOllamaProviderError(error, this, call), (signal) => {
      call = this.callFor(signal);
      return call.client.chat({ ...this.paramsOf(request), stream: false });
    });
    if (typeof response?.message?.content !== 'string' || response.done !== true) {
      throw failure(this, ProviderErrorKind.malformed, 'the response is not a finished /api/chat message');
    }
    return { text: response.message.content, usage: usageOf(response), finishReason: finishReasonOf(response.done_reason), ...this.identity() };
  }

  stream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<ChatStreamPart> {
    let call: OllamaCall | undefined;
    return guardedStream<ChatResponse>({
      model: this,
      idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      abortSignal: options.abortSignal,
      open: (signal) => {
        call = this.callFor(signal);
        return call.client.chat({ ...this.paramsOf(request), stream: true });
      },
      accumulate: accumulateChunk,
      mapError: (error) => toOllamaProviderError(error, this, call),
    });
  }

  private identity(): ModelIdentity {
    return { provider: this.provider, modelId: this.modelId };
  }

  private callFor(signal: AbortSignal | undefined): OllamaCall {
    return ollamaCall(this.options.host, this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, signal);
  }

  private paramsOf(request: ChatRequest): OllamaChatRequest {
    const system = systemPrompt(request);
    const vendor = vendorOptions(request, 'ollama');
    const modelOptions = {
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxOutputTokens === undefined ? {} : { num_predict: request.maxOutputTokens }),
      ...(typeof vendor.options === 'object' ? vendor.options : {}),
    };
    return {
      ...vendor,
      model: this.modelId,
      messages: [
        ...(system === undefined ? [] : [{ role: 'system', content: system }]),
        ...conversationMessages(request).map((message) => ({ role: message.role, content: message.content })),
      ],
      ...(request.responseFormat === undefined ? {} : { format: request.responseFormat.schema }),
      ...(Object.keys(modelOptions).length === 0 ? {} : { options: modelOptions }),
    };
  }
}

function usageOf(response: Pick<ChatResponse, 'prompt_eval_count' | 'eval_count'>): { inputTokens: number; outputTokens: number } {
  return { inputTokens: response.prompt_eval_count ?? 0, outputTokens: response.eval_count ?? 0 };
}

function finishReasonOf(reason: string | undefined): ChatResult['finishReason'] {
  return reason === 'length' ? 'length' : 'stop';
}

/** Folds one NDJSON chunk: message content, then the final `done` chunk with eval counts. */
function accumulateChunk(chunk: ChatResponse, state: StreamAccumulator): string {
  const delta = chunk.message?.content ?? '';
  state.text += delta;
  if (chunk.done) {
    state.usage = usageOf(chunk);
    state.finishReason = finishReasonOf(chunk.done_reason);
    state.complete = true;
  }
  return delta;
}

/**
 * Maps what the `ollama` client throws: `ResponseError` (HTTP status + the body's `error` text), plain errors
 * for `{"error": …}` lines inside a stream and for a stream without its `done` chunk, and transport failures.
 */
export function toOllamaProviderError(error: unknown, model: ModelIdentity, call: OllamaCall | undefined): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  if (call?.timedOut === true) return failure(model, ProviderErrorKind.timeout, message, { cause: error });
  if (isConnectionFailure(error)) return failure(model, ProviderErrorKind.network, message, { cause: error });
  if (error instanceof SyntaxError || message === 'Missing body') return failure(model, ProviderErrorKind.malformed, `unparsable response: ${message}`, { cause: error });
  if (/did not receive done/i.test(message)) return failure(model, ProviderErrorKind.stalled, 'the stream ended before its done chunk', { cause: error });
  const status = (error as { status_code?: unknown }).status_code;
  if (typeof status !== 'number') {
    // An `{"error": …}` line inside a 200 stream: the server failed while generating.
    const kind = CONTEXT_LENGTH_WORDING.test(message) ? ProviderErrorKind.contextLength : ProviderErrorKind.server;
    return failure(model, kind, message, { cause: error });
  }
  let kind = kindForStatus(status);
  if (CONTEXT_LENGTH_WORDING.test(message)) kind = ProviderErrorKind.contextLength;
  const retryAfterMs = parseRetryAfterMs(call?.response?.headers);
  return failure(model, kind, message, { status, cause: error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}
