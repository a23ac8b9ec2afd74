/**
 * OpenAI chat completions adapter (`openai` is imported here and in `openai-embedding.ts` only). Works with
 * any OpenAI-compatible base URL (vLLM, LM Studio, llama.cpp, gateways). Streams ask for
 * `stream_options.include_usage`, so the usage chunk is the stream's final event. Structured output uses
 * `response_format: { type: 'json_schema' }` (non-strict by default, since strict mode rejects schemas with
 * optional properties; set `strictJsonSchema` when the schemas comply).
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { Logger } from '../../../domain/logger.js';
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
  refuseContentFilter,
  type ModelIdentity,
} from './provider-failure.js';
import { defaultProviderLogger, sdkLogger } from './sdk-logger.js';

/** Settings of one {@link OpenAIChatModel}. */
export interface OpenAIModelOptions {
  modelId: string;
  apiKey: string;
  /** Any OpenAI-compatible endpoint, e.g. `http://localhost:8000/v1` for vLLM. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Limit between two stream chunks (ms); default 15 s. */
  idleTimeoutMs?: number;
  /** Older compatible servers only know `max_tokens`; OpenAI's newer models only `max_completion_tokens`. */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  /** Send `strict: true` with JSON schemas (every property required, no additional properties). */
  strictJsonSchema?: boolean;
  logger?: Logger;
}

type CompletionParams = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

/** `ChatModel` over OpenAI chat completions, with the SDK's own retries off. */
export class OpenAIChatModel implements ChatModel {
  readonly provider = 'openai';
  readonly modelId: string;
  private readonly client: OpenAI;
  private readonly options: OpenAIModelOptions;

  constructor(options: OpenAIModelOptions) {
    this.modelId = options.modelId;
    this.options = options;
    this.client = createOpenAIClient(options);
  }

  async generate(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const completion = await guardedCall(options.abortSignal, (error) => toOpenAIProviderError(error, this), (signal) =>
      this.client.chat.completions.create(this.paramsOf(request), { signal }),
    );
    return refuseContentFilter(this, this.resultOf(completion));
  }

  stream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<ChatStreamPart> {
    return guardedStream<OpenAI.Chat.ChatCompletionChunk>({
      model: this,
      idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      abortSignal: options.abortSignal,
      open: (signal) =>
        this.client.chat.completions.create({ ...this.paramsOf(request), stream: true, stream_options: { include_usage: true } }, { signal }),
      accumulate: accumulateChunk,
      mapError: (error) => toOpenAIProviderError(error, this),
    });
  }

  private paramsOf(request: ChatRequest): CompletionParams {
    const system = systemPrompt(request);
    const format = request.responseFormat;
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ...(system === undefined ? [] : [{ role: 'system' as const, content: system }]),
      ...conversationMessages(request).map((message) => ({ role: message.role, content: message.content })),
    ];
    return {
      model: this.modelId,
      messages,
      ...(request.maxOutputTokens === undefined ? {} : { [this.options.maxTokensField ?? 'max_completion_tokens']: request.maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(format === undefined
        ? {}
        : { response_format: { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: this.options.strictJsonSchema ?? false } } }),
      ...vendorOptions(request, 'openai'),
    };
  }

  private resultOf(completion: OpenAI.Chat.ChatCompletion): ChatResult {
    const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
    if (choice?.message === undefined || completion.usage === undefined) {
      throw failure(this, ProviderErrorKind.malformed, 'the response is not a chat completion with usage');
    }
    const refused = typeof choice.message.refusal === 'string' && choice.message.refusal !== '';
    return {
      text: choice.message.content ?? '',
      usage: { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens },
      finishReason: refused ? 'content-filter' : finishReasonOf(choice.finish_reason),
      provider: this.provider,
      modelId: this.modelId,
    };
  }
}

/** An OpenAI SDK client with its retries off and a request timeout (shared with the embedding adapter). */
export function createOpenAIClient(options: { apiKey: string; baseUrl?: string; timeoutMs?: number; logger?: Logger }): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    // null, not undefined: the settings own the endpoint, the SDK must not read OPENAI_BASE_URL behind them.
    baseURL: options.baseUrl ?? null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    logger: sdkLogger(options.logger ?? defaultProviderLogger(), 'openai'),
  });
}

function finishReasonOf(reason: string | null | undefined): ChatResult['finishReason'] {
  if (reason === 'content_filter') return 'content-filter';
  if (reason === 'length') return 'length';
  return 'stop';
}

/** Folds one chunk: content deltas, the finish reason, and the usage chunk that ends the stream. */
function accumulateChunk(chunk: OpenAI.Chat.ChatCompletionChunk, state: StreamAccumulator): string {
  const choice = chunk.choices?.[0];
  const delta = choice?.delta?.content ?? '';
  state.text += delta;
  if (typeof choice?.delta?.refusal === 'string' && choice.delta.refusal !== '') state.finishReason = 'content-filter';
  if (choice?.finish_reason) state.finishReason = state.finishReason === 'content-filter' ? 'content-filter' : finishReasonOf(choice.finish_reason);
  if (chunk.usage) {
    state.usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
    state.complete = state.finishReason !== undefined;
  }
  return delta;
}

const CONTENT_POLICY_CODES = new Set(['content_filter', 'content_policy_violation']);

/** Maps anything the OpenAI SDK throws (HTTP errors, `error` stream chunks, transport failures) to a `ProviderError`. */
export function toOpenAIProviderError(error: unknown, model: ModelIdentity): ProviderError {
  if (error instanceof APIConnectionTimeoutError) return failure(model, ProviderErrorKind.timeout, error.message, { cause: error });
  if (error instanceof APIConnectionError || isConnectionFailure(error)) {
    return failure(model, ProviderErrorKind.network, error instanceof Error ? error.message : 'connection failed', { cause: error });
  }
  if (error instanceof APIError) return fromApiError(error as APIError<number | undefined, Headers | undefined>, model);
  if (error instanceof SyntaxError) return failure(model, ProviderErrorKind.malformed, `unparsable response: ${error.message}`, { cause: error });
  return failure(model, ProviderErrorKind.malformed, `unexpected failure: ${String(error)}`, { cause: error });
}

function fromApiError(error: APIError<number | undefined, Headers | undefined>, model: ModelIdentity): ProviderError {
  const status = error.status;
  const code = typeof error.code === 'string' ? error.code : '';
  let kind = status === undefined ? streamErrorKind(code, error.type) : kindForStatus(status);
  if (code === 'context_length_exceeded' || (kind === ProviderErrorKind.badRequest && CONTEXT_LENGTH_WORDING.test(error.message))) {
    kind = ProviderErrorKind.contextLength;
  } else if (CONTENT_POLICY_CODES.has(code) || (kind === ProviderErrorKind.badRequest && /content (management )?polic|content filter/i.test(error.message))) {
    kind = ProviderErrorKind.contentPolicy;
  }
  const retryAfterMs = parseRetryAfterMs(error.headers);
  return failure(model, kind, error.message, { cause: error, ...(status === undefined ? {} : { status }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** An `error` object inside a stream has no HTTP status: classify it by its code and type. */
function streamErrorKind(code: string, type: string | undefined): ProviderErrorKind {
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_error') return ProviderErrorKind.rateLimited;
  if (type === 'invalid_request_error') return ProviderErrorKind.badRequest;
  return ProviderErrorKind.server;
}
