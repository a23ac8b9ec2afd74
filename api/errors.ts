/**
 * The API's error vocabulary: one `ApiError` class, the stable error codes clients may branch on, and
 * the one error middleware that renders every failure as `{ error: { code, message, requestId } }`.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { requestContextOf } from './request-context.js';

/** Stable, snake_case error codes (part of the public REST contract). */
export const ErrorCode = {
  invalidJson: 'invalid_json',
  invalidRequest: 'invalid_request',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notFound: 'not_found',
  /** Missing or wrong credentials. */
  unauthorized: 'unauthorized',
  /** Authenticated, but the role or scope does not allow this. */
  forbidden: 'forbidden',
  /** Too many requests (per API key, user or IP): see `Retry-After`. */
  rateLimited: 'rate_limited',
  /** The conversation already has as many turns running or queued as allowed: see `Retry-After`. */
  tooManyPendingTurns: 'too_many_pending_turns',
  apiKeyNotFound: 'api_key_not_found',
  conversationNotFound: 'conversation_not_found',
  turnNotFound: 'turn_not_found',
  conversationClosed: 'conversation_closed',
  escalationNotFound: 'escalation_not_found',
  /** The escalation was already decided (by someone else, or by the deadline). */
  alreadyDecided: 'already_decided',
  agentNotFound: 'agent_not_found',
  /** A sync of this knowledge source is running already. */
  syncRunning: 'sync_running',
  /** The write was based on a stale version. */
  versionConflict: 'version_conflict',
  temporalUnavailable: 'temporal_unavailable',
  temporalTimeout: 'temporal_timeout',
  internalError: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error that is safe to show to the client as is (status, code and message). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.headers = options?.headers ?? {};
  }

  /** Response headers that belong to the error (`WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;
}

/** Formats zod issues as `path: message; path: message` (the root path is shown as `(root)`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses `value` with `schema` or throws a 400 `invalid_request` listing every issue. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError(400, ErrorCode.invalidRequest, `Invalid ${what}: ${formatIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** Body-parser failures carry a `type`; map the ones a client can cause to stable codes. */
function fromBodyParserError(error: unknown): ApiError | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  switch (error.type) {
    case 'entity.too.large': {
      const limit = (error as { limit?: unknown }).limit;
      return new ApiError(413, ErrorCode.payloadTooLarge, `Request body exceeds ${typeof limit === 'number' ? `${limit} bytes` : 'the limit'}`);
    }
    case 'entity.parse.failed':
      return new ApiError(400, ErrorCode.invalidJson, 'Request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, ErrorCode.unsupportedMediaType, 'Unsupported content encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiError(400, ErrorCode.invalidRequest, 'Request body was incomplete');
    default:
      return null;
  }
}

/** Final route: any request nothing else answered. */
export const notFoundHandler: RequestHandler = (request) => {
  throw new ApiError(404, ErrorCode.notFound, `No route for ${request.method} ${request.path}`);
};

/** The one error middleware. Known errors are rendered as is; anything else is a logged 500. */
export const errorHandler: ErrorRequestHandler = (error: unknown, request, response, next) => {
  const context = requestContextOf(response);
  if (response.headersSent) {
    context.logger.error({ err: error }, 'error after the response was sent');
    next(error);
    return;
  }
  const known = error instanceof ApiError ? error : fromBodyParserError(error);
  const apiError = known ?? new ApiError(500, ErrorCode.internalError, 'Internal server error');
  if (known === null) {
    context.logger.error({ err: error, method: request.method, url: request.originalUrl }, 'unhandled error');
  } else if (apiError.status >= 500) {
    context.logger.error({ err: apiError.cause ?? apiError, code: apiError.code }, apiError.message);
  } else {
    context.logger.info({ code: apiError.code, status: apiError.status }, apiError.message);
  }
  for (const [name, value] of Object.entries(apiError.headers)) response.setHeader(name, value);
  response.status(apiError.status).json({
    error: { code: apiError.code, message: apiError.message, requestId: context.requestId },
  });
};
