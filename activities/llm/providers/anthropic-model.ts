/**
 * Anthropic Messages API adapter (`@anthropic-ai/sdk` is imported here and nowhere else).
 * Structured output uses forced tool use: the request's JSON Schema becomes the `input_schema` of one tool
 * that `tool_choice` forces, and the tool input is returned as the JSON text. It works on every tool-capable
 * Claude model and Anthropic-compatible gateway (unlike assistant prefill, which newer models reject), and when
 * streaming, the tool's `input_json_delta` pieces are the text deltas.
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { Logger } from '../../../domain/logger.js';
import type { TokenUsage } from '../../../domain/types.js';
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

/** Settings of one {@link AnthropicChatModel}. */
export interface AnthropicModelOptions {
  modelId: string;
  apiKey: string;
  /** Another Messages-API endpoint (gateway, proxy, test server). */
  baseUrl?: string;
  /** Limit for a request to get its response headers (ms). */
  timeoutMs?: number;
  /** Limit between two stream events (ms); default 15 s. */
  idleTimeoutMs?: number;
  /** `max_tokens` when the request sets no `maxOutputTokens` (the API requires one). */
  defaultMaxOutputTokens?: number;
  logger?: Logger;
}

/** Name of the forced tool that carries structured output. */
const STRUCTURED_TOOL = 'respond';

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

/** `ChatModel` over the Anthropic Messages API, with the SDK's own retries off. */
export class AnthropicChatModel implements ChatModel {
  readonly provider = 'anthropic';
  readonly modelId: string;
  private readonly client: Anthropic;
  private readonly idleTimeoutMs: number;
  private readonly defaultMaxOutputTokens: number;

  constructor(options: AnthropicModelOptions) {
    this.modelId = options.modelId;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 4096;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? null,
      maxRetries: 0,
      timeout: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      logger: sdkLogger(options.logger ?? defaultProviderLogger(), this.provider),
    });
  }

  async generate(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
    const message = await guardedCall(options.abortSignal, (error) => toAnthropicProviderError(error, this), (signal) =>
      this.client.messages.create(this.paramsOf(request), { signal }),
    );
    return refuseContentFilter(this, this.resultOf(message));
  }

  stream(request: ChatRequest, options: CallOptions = {}): AsyncIterable<ChatStreamPart> {
    return guardedStream<Anthropic.RawMessageStreamEvent>({
      model: this,
      idleTimeoutMs: this.idleTimeoutMs,
      abortSignal: options.abortSignal,
      open: (signal) => this.client.messages.create({ ...this.paramsOf(request), stream: true }, { signal }),
      accumulate: accumulateEvent,
      mapError: (error) => toAnthropicProviderError(error, this),
    });
  }

  private paramsOf(request: ChatRequest): MessageParams {
    const system = systemPrompt(request);
    const format = request.responseFormat;
    return {
      model: this.modelId,
      max_tokens: request.maxOutputTokens ?? this.defaultMaxOutputTokens,
      messages: conversationMessages(request).map((message) => ({ role: message.role, content: message.content })),
      ...(system === undefined ? {} : { system }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(format === undefined
        ? {}
        : {
            tools: [{ name: STRUCTURED_TOOL, description: `Reply with the ${format.name} object.`, input_schema: toolSchema(format.schema) }],
            tool_choice: { type: 'tool', name: STRUCTURED_TOOL },
          }),
      ...vendorOptions(request, 'anthropic'),
    };
  }

  private resultOf(message: Anthropic.Message): ChatResult {
    if (!Array.isArray(message?.content) || typeof message.usage?.output_tokens !== 'number') {
      throw failure(this, ProviderErrorKind.malformed, 'the response is not a Messages API message');
    }
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    const text = toolUse ? JSON.stringify(toolUse.input) : message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return { text, usage: usageOf(message.usage), finishReason: finishReasonOf(message.stop_reason), provider: this.provider, modelId: this.modelId };
  }
}

function toolSchema(schema: Record<string, unknown>): Anthropic.Tool.InputSchema {
  return { ...schema, type: 'object' };
}

type UsageFields = { input_tokens?: number | null; output_tokens?: number | null; cache_creation_input_tokens?: number | null; cache_read_input_tokens?: number | null };

/** Input tokens include cache writes and reads: all of them were sent, and all are billed. */
function usageOf(usage: UsageFields): TokenUsage {
  const input = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
  return { inputTokens: input, outputTokens: usage.output_tokens ?? 0 };
}

function finishReasonOf(stopReason: string | null | undefined): ChatResult['finishReason'] {
  if (stopReason === 'refusal') return 'content-filter';
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return 'length';
  return 'stop';
}

/** Folds one Messages SSE event: usage from message_start and message_delta, text (or tool JSON) from deltas. */
function accumulateEvent(event: Anthropic.RawMessageStreamEvent, state: StreamAccumulator): string {
  switch (event.type) {
    case 'message_start':
      state.usage = usageOf(event.message.usage);
      return '';
    case 'content_block_delta': {
      const delta = event.delta.type === 'text_delta' ? event.delta.text : event.delta.type === 'input_json_delta' ? event.delta.partial_json : '';
      state.text += delta;
      return delta;
    }
    case 'message_delta': {
      const usage = event.usage;
      state.usage = {
        inputTokens: usage.input_tokens === null || usage.input_tokens === undefined ? state.usage.inputTokens : usageOf(usage).inputTokens,
        outputTokens: usage.output_tokens,
      };
      state.finishReason = finishReasonOf(event.delta.stop_reason);
      return '';
    }
    case 'message_stop':
      state.complete = true;
      return '';
    default:
      return '';
  }
}

const ERROR_TYPE_KINDS: Record<string, ProviderErrorKind> = {
  overloaded_error: ProviderErrorKind.overloaded,
  rate_limit_error: ProviderErrorKind.rateLimited,
  api_error: ProviderErrorKind.server,
  timeout_error: ProviderErrorKind.timeout,
  authentication_error: ProviderErrorKind.authentication,
  permission_error: ProviderErrorKind.authentication,
  invalid_request_error: ProviderErrorKind.badRequest,
  not_found_error: ProviderErrorKind.badRequest,
  request_too_large: ProviderErrorKind.badRequest,
};

/** Maps anything the Anthropic SDK throws (HTTP errors, SSE `error` events, transport failures) to a `ProviderError`. */
export function toAnthropicProviderError(error: unknown, model: ModelIdentity): ProviderError {
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
  const detail = error.apiMessage ?? error.message;
  const typeKind = error.type === null ? undefined : ERROR_TYPE_KINDS[error.type];
  let kind = typeKind === ProviderErrorKind.overloaded || status === undefined ? (typeKind ?? ProviderErrorKind.server) : kindForStatus(status);
  if (kind === ProviderErrorKind.badRequest && CONTEXT_LENGTH_WORDING.test(detail)) kind = ProviderErrorKind.contextLength;
  if (kind === ProviderErrorKind.badRequest && /content filtering|usage polic/i.test(detail)) kind = ProviderErrorKind.contentPolicy;
  const retryAfterMs = parseRetryAfterMs(error.headers);
  return failure(model, kind, detail, { cause: error, ...(status === undefined ? {} : { status }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}
