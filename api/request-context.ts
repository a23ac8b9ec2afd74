/**
 * Per-request context: a request id (the caller's `x-request-id` when it is sane, else a random UUID,
 * echoed back in the response header) and a pino child logger that carries it, plus the conversation,
 * workflow and turn ids once a route knows them.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { pino, type Logger } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Printable, header-safe and short: anything else is replaced, never trusted into logs. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestContext {
  requestId: string;
  logger: Logger;
}

const contexts = new WeakMap<Response, RequestContext>();
/** Only used when the context middleware did not run (an app assembled without it). */
const fallbackLogger = pino({ enabled: false });

/** Returns the caller's request id if it is safe to reuse, else a fresh UUID. */
export function resolveRequestId(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/** First middleware: assigns the request id and the request's logger. */
export function requestContextMiddleware(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const requestId = resolveRequestId(request.headers[REQUEST_ID_HEADER]);
    response.setHeader(REQUEST_ID_HEADER, requestId);
    contexts.set(response, { requestId, logger: logger.child({ requestId }) });
    next();
  };
}

/** The context of a request (a placeholder one if the middleware did not run, e.g. in a unit test). */
export function requestContextOf(response: Response): RequestContext {
  let context = contexts.get(response);
  if (context === undefined) {
    const requestId = randomUUID();
    context = { requestId, logger: fallbackLogger.child({ requestId }) };
    contexts.set(response, context);
  }
  return context;
}

/** Adds ids (conversationId, workflowId, turnId…) to every later log line of this request. */
export function bindLogFields(response: Response, fields: Record<string, string | undefined>): Logger {
  const context = requestContextOf(response);
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  context.logger = context.logger.child(defined);
  return context.logger;
}
