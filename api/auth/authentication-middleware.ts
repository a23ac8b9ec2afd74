/**
 * Reads the bearer credential of each request and records its principal. A credential that is presented
 * but invalid is a 401 at once (even on routes that need none), so a client learns its token is bad.
 * REST takes credentials from the `Authorization` header only: tokens in URLs end up in access logs.
 * The WebSocket upgrade also accepts `?access_token=` (browsers cannot set headers there).
 */
import type http from 'node:http';
import type { RequestHandler } from 'express';
import type { Authenticated, Authenticator } from './authenticator.js';
import { InvalidCredentialsError } from './jwt-verifier.js';
import { setPrincipal, unauthorized } from './principal.js';

export const DEVELOPMENT_HEADER = 'x-agentcraft-auth';

/** `Bearer <token>` → token; undefined without a header; null for a header of another scheme. */
export function bearerTokenOf(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer\s+(\S{1,8192})\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Credentials of a WebSocket upgrade: the `Authorization` header, else `?access_token=`. */
export function upgradeTokenOf(request: http.IncomingMessage): string | undefined | null {
  const fromHeader = bearerTokenOf(request.headers.authorization);
  if (fromHeader !== undefined) return fromHeader;
  const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token');
  return token === null || token === '' ? undefined : token.length > 8192 ? null : token;
}

/** Authenticates a token; `InvalidCredentialsError` and malformed headers become 401 `ApiError`s. */
export async function authenticateOrThrow(authenticator: Authenticator, token: string | undefined | null): Promise<Authenticated | null> {
  if (token === null) throw unauthorized('The Authorization header must be "Bearer <JWT or API key>"');
  try {
    return await authenticator.authenticate(token);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw unauthorized(error.message);
    throw error;
  }
}

export function authenticationMiddleware(authenticator: Authenticator): RequestHandler {
  return async (request, response, next) => {
    if (authenticator.developmentMode) response.setHeader(DEVELOPMENT_HEADER, 'development');
    const authenticated = await authenticateOrThrow(authenticator, bearerTokenOf(request.headers.authorization));
    if (authenticated !== null) setPrincipal(request, authenticated.principal);
    next();
  };
}
