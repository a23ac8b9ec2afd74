/**
 * The OpenAPI document and docs page, served by the real app: a valid-looking 3.1 document that documents
 * every mounted route (so a new route without documentation fails here), and a docs page that loads only
 * same-origin assets under the API's Content-Security-Policy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../activities/events/memory-event-log.js';
import { createStore } from '../../activities/persistence/kysely-store.js';
import type { Store } from '../../activities/persistence/store.js';
import { testLogger } from '../../test-support/pipeline.js';
import { createTestClient, type TestClient } from '../../test-support/temporal.js';
import { createApp, type Api } from '../app.js';
import { mountedRoutes } from './mounted-routes.js';

let temporal: TestClient;
let store: Store;
let api: Api;
let server: http.Server;
let baseUrl: string;

/** Served but not part of the JSON API contract (pages, assets, metrics, the root index). */
const UNDOCUMENTED = /^GET (\/|\/metrics|\/api\/docs.*)$/;

beforeAll(async () => {
  temporal = await createTestClient();
  store = createStore({});
  await store.migrate();
  api = createApp({ temporal: temporal.client, store, eventLog: new MemoryEventLog({ logger: testLogger }), configuration: { temporal: { taskQueue: 'openapi-test', namespace: 'default' }, waitTimeoutMs: 1000 }, logger: testLogger });
  server = http.createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
  await temporal?.close();
});

type Document = { openapi: string; paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document that documents every mounted route, with path parameters and resolvable $refs', async () => {
    const response = await fetch(`${baseUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Document;
    expect(document.openapi).toBe('3.1.0');

    const documented = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
    const mounted = [...mountedRoutes(api.app)].filter((route) => !UNDOCUMENTED.test(route));
    expect(mounted.filter((route) => !documented.has(route)), 'mounted routes missing from the document').toEqual([]);
    expect([...documented].filter((route) => !mountedRoutes(api.app).has(route)), 'documented routes that are not mounted').toEqual([]);
    expect(documented).toContain('POST /api/chat');
    expect(documented).toContain('POST /api/webhooks/deliveries/{id}/replay');

    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
        expect(declared.sort(), `${method} ${path}`).toEqual(names.sort());
        expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    for (const reference of new Set(references)) expect(document.components.schemas, reference).toHaveProperty(reference);
  });
});

describe('GET /api/docs', () => {
  it('serves Swagger UI from local assets, with no inline script, under a CSP that allows only same-origin scripts', async () => {
    const page = await fetch(`${baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(sources.every((source) => source.startsWith('/api/docs/'))).toBe(true);
    for (const source of sources) {
      const asset = await fetch(`${baseUrl}${source}`);
      expect(asset.status, source).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, source).toBeGreaterThan(10);
    }
    const init = await (await fetch(`${baseUrl}/api/docs/init.js`)).text();
    expect(init).toContain("url: '/api/openapi.json'");
  });
});
