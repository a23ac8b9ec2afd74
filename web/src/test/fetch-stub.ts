/** A `fetch` stand-in: routes `METHOD path` to canned JSON responses and records the requests. */
import { vi } from 'vitest';

export interface StubbedRequest {
  method: string;
  path: string;
  body: unknown;
}

export type StubHandler = (request: StubbedRequest) => { status?: number; body: unknown };

export function stubFetch(routes: Record<string, StubHandler>): StubbedRequest[] {
  const requests: StubbedRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const path = String(input);
      const request = { method, path, body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined };
      requests.push(request);
      const key = Object.keys(routes).find((pattern) => `${method} ${path}`.startsWith(pattern));
      const { status = 200, body } = key === undefined ? { status: 404, body: { error: { code: 'not_found', message: `No route for ${method} ${path}` } } } : routes[key]!(request);
      return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
    }),
  );
  return requests;
}
