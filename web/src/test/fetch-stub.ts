/** A `fetch` stand-in: routes `METHOD path` to canned JSON responses and records the requests. */
import { vi } from 'vitest';

export interface StubbedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
  /** `fetch`'s `credentials` option, when given. */
  credentials?: RequestCredentials;
}

export type StubHandler = (request: StubbedRequest) => { status?: number; body: unknown };

/**
 * Routes match by prefix of `METHOD path` (the longest matching pattern wins, so `GET /api/x/1` and
 * `GET /api/x` can both be given); unmatched requests get 404 `not_found`, as from an API without the route.
 */
export function stubFetch(routes: Record<string, StubHandler>): StubbedRequest[] {
  const requests: StubbedRequest[] = [];
  const patterns = Object.keys(routes).sort((a, b) => b.length - a.length);
  vi.stubGlobal(
    'fetch',
    vi.fn((input: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const path = String(input);
      const headers = { ...(init.headers as Record<string, string> | undefined) };
      const request: StubbedRequest = { method, path, headers, body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : init.body };
      if (init.credentials !== undefined) request.credentials = init.credentials;
      requests.push(request);
      const key = patterns.find((pattern) => `${method} ${path}`.startsWith(pattern));
      const { status = 200, body } = key === undefined ? { status: 404, body: { error: { code: 'not_found', message: `No route for ${method} ${path}` } } } : routes[key]!(request);
      const text = status === 204 ? null : JSON.stringify(body);
      return Promise.resolve(new Response(text, { status, headers: { 'content-type': 'application/json' } }));
    }),
  );
  return requests;
}

/** The principal `GET /api/auth/me` returns in development mode. */
export const developmentMe = {
  principal: { subject: 'dev-user', tenantId: 'default', roles: ['customer', 'reviewer', 'admin', 'operator'], method: 'development', customerId: null },
  developmentMode: true,
};
