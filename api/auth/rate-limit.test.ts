/**
 * Abuse protections over real HTTP: per-key rate limits under concurrent load from many clients (in memory,
 * and in Redis shared by two API servers), the per-IP limit, 429 with `Retry-After`, the CORS allow-list,
 * security headers, the loud development mode, and 500s without internals.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../activities/events/memory-event-log.js';
import { createStore, type KyselyStore } from '../../activities/persistence/kysely-store.js';
import type { Store } from '../../activities/persistence/store.js';
import { testLogger } from '../../test-support/pipeline.js';
import { createTestClient, type TestClient } from '../../test-support/temporal.js';
import type { ApiConfiguration } from '../app.js';
import { startApiServer, type RunningApiServer, type StartApiServerOptions } from '../server.js';
import { ApiKeyService } from './api-key-service.js';

let store: KyselyStore;
let temporal: TestClient;
let redis: Redis;
const servers: RunningApiServer[] = [];

async function serve(configuration: Partial<ApiConfiguration>, extra: Partial<StartApiServerOptions> = {}): Promise<string> {
  const server = await startApiServer({
    temporal: temporal.client,
    store,
    eventLog: new MemoryEventLog({ logger: testLogger }),
    logger: testLogger,
    port: 0,
    configuration: { temporal: { taskQueue: 'rate-limit-test', namespace: 'default' }, waitTimeoutMs: 1_000, auth: { mode: 'jwt' }, ...configuration },
    ...extra,
  });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

async function keys(count: number): Promise<string[]> {
  const service = new ApiKeyService(store.security());
  const created = await Promise.all(Array.from({ length: count }, (_, index) => service.create({ tenantId: 'acme', name: `client-${index}`, roles: ['integrator'], scopes: [], expiresAt: null, createdBy: 'test' })));
  return created.map((key) => key.secret);
}

/** Every key sends `perKey` requests, all at once, spread over `baseUrls`; returns the statuses by key. */
async function burst(baseUrls: string[], secrets: string[], perKey: number): Promise<{ statuses: Map<string, number[]>; retryAfter: (string | null)[] }> {
  const statuses = new Map<string, number[]>(secrets.map((secret) => [secret, []]));
  const retryAfter: (string | null)[] = [];
  await Promise.all(
    secrets.flatMap((secret) =>
      Array.from({ length: perKey }, async (_, index) => {
        const response = await fetch(`${baseUrls[index % baseUrls.length]}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
        statuses.get(secret)?.push(response.status);
        if (response.status === 429) {
          retryAfter.push(response.headers.get('retry-after'));
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
        } else await response.arrayBuffer();
      }),
    ),
  );
  return { statuses, retryAfter };
}

function expectExactly(result: Awaited<ReturnType<typeof burst>>, allowed: number, perKey: number): void {
  for (const statuses of result.statuses.values()) {
    expect(statuses.filter((status) => status === 200)).toHaveLength(allowed);
    expect(statuses.filter((status) => status === 429)).toHaveLength(perKey - allowed);
  }
  for (const value of result.retryAfter) expect(Number(value)).toBeGreaterThanOrEqual(1);
}

beforeAll(async () => {
  store = createStore({ logger: testLogger });
  await store.migrate();
  temporal = await createTestClient();
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await Promise.allSettled(servers.map((server) => server.close()));
  redis?.disconnect();
  await temporal?.close();
  await store?.close();
});

const limits = { enabled: true, windowSeconds: 60, perPrincipal: 5, perIp: 100_000 };

describe('rate limits under concurrent load', () => {
  it('lets exactly the allowed number through per key in memory: 200 concurrent requests from 20 keys', async () => {
    const baseUrl = await serve({ rateLimits: limits });
    expectExactly(await burst([baseUrl], await keys(20), 10), 5, 10);
  });

  it('shares the counters in Redis between two API servers', async () => {
    const prefix = `test-ratelimit-${randomUUID()}`;
    const first = await serve({ rateLimits: limits }, { rateLimitRedis: redis, rateLimitKeyPrefix: prefix });
    const second = await serve({ rateLimits: limits }, { rateLimitRedis: redis, rateLimitKeyPrefix: prefix });
    expectExactly(await burst([first, second], await keys(20), 10), 5, 10);
    expect(await redis.keys(`${prefix}:principal:*`)).toHaveLength(20);
  });

  it('limits each client IP before authentication, so guessing credentials is throttled too', async () => {
    const baseUrl = await serve({ rateLimits: { ...limits, perIp: 7 } });
    const responses = await Promise.all(Array.from({ length: 12 }, () => fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: 'Bearer ack_0000000000000000_guess' } })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(7);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    // Probes stay outside the limits.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('browser protections', () => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await serve({ corsOrigins: ['https://app.example.com'] });
  });

  it('answers CORS preflights for allowed origins only, without credentials', async () => {
    const preflight = (origin: string) => fetch(`${baseUrl}/api/chat`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const denied = await preflight('https://evil.example');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${baseUrl}/api/auth/me`, { headers: { origin: 'https://app.example.com' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(simple.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('sends security headers with a Content-Security-Policy on every response', async () => {
    for (const path of ['/healthz', '/api/auth/me', '/no-such-page']) {
      const response = await fetch(`${baseUrl}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('marks development mode loudly on every response', async () => {
    const development = await serve({ auth: { mode: 'development' } });
    const response = await fetch(`${development}/api/auth/me`);
    expect(response.headers.get('x-agentcraft-auth')).toBe('development');
    expect(await response.json()).toEqual({ principal: { subject: 'dev-user', tenantId: 'default', roles: ['customer', 'reviewer', 'admin', 'operator'], method: 'development', customerId: null }, developmentMode: true });
    expect((await fetch(`${development}/healthz`)).headers.get('x-agentcraft-auth')).toBe('development');
    expect((await fetch(`${baseUrl}/api/auth/me`)).headers.get('x-agentcraft-auth')).toBeNull();
  });
});

describe('errors', () => {
  it('answers an unexpected failure with a bare 500: no stack, no internal message', async () => {
    const broken = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'security') return Reflect.get(target, property, receiver) as unknown;
        return () => ({ ...target.security(), getApiKey: () => Promise.reject(new Error('connection to /var/lib/secret-db refused')) });
      },
    }) as Store;
    const baseUrl = await serve({}, { store: broken });
    const response = await fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ack_0123456789abcdef_${'a'.repeat(43)}` } });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal_error', message: 'Internal server error' } });
    expect(text).not.toMatch(/secret-db|\bat\b.*\.ts|Error:/);
  });
});
