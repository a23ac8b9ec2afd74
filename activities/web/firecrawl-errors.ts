/**
 * Firecrawl SDK failures as `WebFetchError`s, in one place: 408/409/425/429/5xx, network errors and timeouts
 * are retryable; 401/402/403 (credentials, credits) and other 4xx are not, nor are the SDK's own validation
 * errors.
 */
import { SdkError } from '@mendable/firecrawl-js';
import { WebFetchError, WebFetchErrorType } from './web-fetcher.js';

const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);

/** Maps whatever the SDK threw; a `WebFetchError` passes through. */
export function toWebFetchError(error: unknown, what: string): WebFetchError {
  if (error instanceof WebFetchError) return error;
  const sdk = error instanceof SdkError || (error instanceof Error && error.name === 'FirecrawlSdkError') ? (error as SdkError) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (sdk === undefined) {
    // The SDK throws plain errors only for requests it refuses to send (empty URL, bad options).
    return new WebFetchError(WebFetchErrorType.invalidUrl, `${what}: ${message}`, false);
  }
  const status = sdk.status;
  if (status === undefined) {
    const timedOut = sdk.code === 'ETIMEDOUT' || sdk.code === 'ECONNABORTED' || /timeout/i.test(message);
    return new WebFetchError(timedOut ? WebFetchErrorType.timeout : WebFetchErrorType.network, `${what}: ${message}${sdk.code ? ` (${sdk.code})` : ''}`, true);
  }
  const retryable = RETRYABLE_STATUSES.has(status) || status >= 500;
  const hint = status === 401 || status === 403 ? ' (check FIRECRAWL_API_KEY)' : status === 402 ? ' (Firecrawl credits exhausted)' : '';
  return new WebFetchError(WebFetchErrorType.httpError, `${what} failed with HTTP ${status}: ${message}${hint}`, retryable, status);
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts (the SDK takes no signal). */
export async function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
