/**
 * The total time limit of one fetcher call: one signal that aborts at the deadline or when the caller
 * cancels, so a server that drips bytes slowly is cut off like one that never answers.
 */
import { WebFetchError, WebFetchErrorType } from './web-fetcher.js';

export interface Deadline {
  readonly signal: AbortSignal;
  /** Turns whatever a request threw into a `WebFetchError` (or the caller's own abort reason). */
  failure(error: unknown, what: string): unknown;
  dispose(): void;
}

/** Starts a deadline of `timeoutMs` linked to the caller's `abortSignal`. Always `dispose()` it. */
export function startDeadline(timeoutMs: number, abortSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new WebFetchError(WebFetchErrorType.timeout, `No complete answer within ${timeoutMs} ms`, true));
  }, timeoutMs);
  const onCallerAbort = (): void => controller.abort(abortSignal?.reason);
  if (abortSignal?.aborted) onCallerAbort();
  else abortSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    failure(error: unknown, what: string): unknown {
      if (timedOut) return new WebFetchError(WebFetchErrorType.timeout, `${what}: no complete answer within ${timeoutMs} ms`, true);
      if (abortSignal?.aborted) return abortSignal.reason;
      if (error instanceof WebFetchError) return error;
      return new WebFetchError(WebFetchErrorType.network, `${what}: ${describe(error)}`, true);
    },
    dispose(): void {
      clearTimeout(timer);
      abortSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** `fetch failed` hides the reason in `cause` (ECONNREFUSED, ECONNRESET, …). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The `WebFetchError` for a non-2xx final status: 408, 425, 429 and 5xx are worth retrying, other 4xx are not. */
export function httpStatusError(status: number, url: URL): WebFetchError {
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  return new WebFetchError(WebFetchErrorType.httpError, `HTTP ${status} from ${url.href}`, retryable, status);
}
