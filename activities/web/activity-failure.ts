/**
 * `WebFetchError` → Temporal failure, for activities that call a `WebFetcher`: a refusal that cannot change
 * (host not allowed, robots.txt, too large, unsupported content, 4xx) becomes a non-retryable
 * `ApplicationFailure` whose `type` is the error's type (`WebHostNotAllowed`, …); a retryable one (timeout,
 * network, 429, 5xx) stays retryable, with the same type, so Temporal's retry policy takes it. Anything else
 * passes through unchanged.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { WebFetchError } from './web-fetcher.js';

export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof WebFetchError)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.type,
    nonRetryable: !error.retryable,
    cause: error,
    details: error.status === undefined ? [] : [{ status: error.status }],
  });
}
