/** JSON request bodies: a Content-Type check that runs before the body is read, then a size-limited parser. */
import express, { type RequestHandler } from 'express';
import { ApiError, ErrorCode } from '../errors.js';

/** Rejects bodies that are not JSON before they are read (a missing or empty body is left to the schema). */
export const requireJson: RequestHandler = (request, _response, next) => {
  const empty = request.headers['content-length'] === '0';
  if (!empty && request.is('application/json') === false) {
    throw new ApiError(415, ErrorCode.unsupportedMediaType, 'Content-Type must be application/json');
  }
  next();
};

/** `requireJson` plus the parser, limited to `limitBytes`. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [requireJson, express.json({ limit: limitBytes, strict: false })];
}
