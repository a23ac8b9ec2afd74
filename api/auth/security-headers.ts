/**
 * Browser-facing protections: security headers with `helmet` (a Content-Security-Policy that lets the
 * served web app and the API docs page load their own scripts, styles and same-origin WebSocket, and
 * nothing else) and CORS for `/api` with an allow-list (`AGENTCRAFT_CORS_ORIGINS`). Credentials are bearer
 * tokens, not cookies, so CORS never allows credentials. `/api/codec` keeps its own CORS (the Temporal
 * Web UI's origin).
 */
import type { RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';

/** The CSP directives (exported for the docs page, which may need to extend them). */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  // React sets style properties from script (allowed); the docs page and charts use inline <style> blocks.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
} as const;

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY, upgradeInsecureRequests: null } },
    // The codec endpoint is fetched cross-origin by the Temporal Web UI (with CORS).
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

const EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'x-agentcraft-auth', 'www-authenticate'];
const ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-request-id'];

/** CORS for `/api` routes: only listed origins get CORS headers; preflights of others get none. */
export function apiCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
  return (request, response, next) => {
    if (!request.path.startsWith('/api/') || request.path.startsWith('/api/codec/')) {
      next();
      return;
    }
    handler(request, response, next);
  };
}
