/**
 * Vendor-neutral pieces of error mapping shared by the adapters: HTTP status → `ProviderErrorKind`,
 * `retry-after` parsing, abort and connection-failure detection. Each adapter still maps its own vendor's
 * errors (bodies, codes, messages) in its own file and only uses these for the parts every vendor shares.
 */
import type { ChatResult } from '../chat-model.js';
import { ProviderError, ProviderErrorKind } from '../provider-error.js';

/** Anything with a `get(name)` lookup of response headers (`Headers` and the SDKs' header objects). */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

/** Identifies a model in the errors an adapter throws. */
export interface ModelIdentity {
  provider: string;
  modelId: string;
}

/**
 * Milliseconds to wait before retrying, from `retry-after-ms` (OpenAI, Azure) or `retry-after` (seconds or an
 * HTTP date, RFC 9110). Undefined when absent, unparsable or negative.
 */
export function parseRetryAfterMs(headers: HeaderLookup | undefined | null, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const value = headers?.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number.parseFloat(value) * 1000);
  // An HTTP date has a weekday and month name; `Date.parse` would also accept "-3" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The kind an HTTP status means when the body says nothing more specific. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return ProviderErrorKind.authentication;
  if (status === 408) return ProviderErrorKind.timeout;
  if (status === 429) return ProviderErrorKind.rateLimited;
  if (status === 503 || status === 529) return ProviderErrorKind.overloaded;
  if (status >= 500) return ProviderErrorKind.server;
  return ProviderErrorKind.badRequest;
}

/** Wording vendors and OpenAI-compatible servers (vLLM, llama.cpp, LM Studio, Ollama) use for an over-long prompt. */
export const CONTEXT_LENGTH_WORDING =
  /context[_ ]length|context window|context limit|maximum context|prompt is too long|too many tokens|exceeds? the (model's )?(maximum )?(context|input)/i;

/** The error a call rejects with when the caller aborted it: the signal's own reason (Temporal's cancellation). */
export function abortErrorOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The model call was aborted.', 'AbortError');
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** True for fetch-level failures: refused, reset, DNS, or a body cut off mid-way (undici's "terminated"). */
export function isConnectionFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (current instanceof TypeError && /fetch failed|terminated|network/i.test(current.message)) return true;
  }
  return false;
}

/** Shorthand for building a `ProviderError` for one model. */
export function failure(
  model: ModelIdentity,
  kind: ProviderErrorKind,
  message: string,
  extra: { status?: number; retryAfterMs?: number; afterFirstToken?: boolean; cause?: unknown } = {},
): ProviderError {
  return new ProviderError(`${model.provider}/${model.modelId}: ${message}`, { kind, provider: model.provider, modelId: model.modelId, ...extra });
}

/** The same error marked as happening after output reached the caller (mappers run without that knowledge). */
export function withAfterFirstToken(error: ProviderError, afterFirstToken: boolean): ProviderError {
  if (error.afterFirstToken === afterFirstToken) return error;
  const { kind, provider, modelId, status, retryAfterMs } = error;
  return new ProviderError(error.message, { kind, provider, modelId, status, retryAfterMs, afterFirstToken, cause: error.cause });
}

/**
 * Refusals are errors, not answers: a result the provider cut for content policy throws kind `content-policy`
 * (the router sends those down their own path instead of retrying blindly).
 */
export function refuseContentFilter(model: ModelIdentity, result: ChatResult, afterFirstToken = false): ChatResult {
  if (result.finishReason !== 'content-filter') return result;
  throw failure(model, ProviderErrorKind.contentPolicy, 'the provider refused to answer (content policy)', { afterFirstToken });
}
