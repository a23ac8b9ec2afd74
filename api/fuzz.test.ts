/**
 * Property-based fuzzing of every documented endpoint (enumerated from the served OpenAPI document, so new
 * routes are fuzzed as soon as they are documented — and `openapi.test.ts` fails for undocumented ones).
 * Paths, query strings and bodies are random or schema-shaped junk. For every request: no 5xx; input the
 * route's own zod schemas reject is answered 4xx; and a rejected request (or any GET) writes nothing — no
 * row in any table of the real PostgreSQL database, no workflow started, updated or signalled.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApiServer } from './server.js';
import { OPERATIONS, type OperationSpec } from './openapi/operations.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../test-support/pipeline.js';
import { countingClient, rowCounter, temporalWriteCounter, type RowCounter } from '../test-support/write-counter.js';

let database: TestDatabase;
let pipeline: TestPipeline;
let api: RunningApiServer;
let rows: RowCounter;
let baseUrl: string;
const temporalWrites = temporalWriteCounter();
let documented: { method: string; path: string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pipeline = await startTestPipeline({ databaseUrl: database.url });
  api = await startApiServer({
    temporal: countingClient(pipeline.client, temporalWrites),
    store: pipeline.store,
    eventLog: pipeline.eventLog,
    configuration: { temporal: { taskQueue: pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 5_000, temporalRpcTimeoutMs: 10_000 },
    logger: testLogger,
    port: 0,
  });
  baseUrl = `http://127.0.0.1:${api.port}`;
  rows = await rowCounter(database.url);
  const document = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => ({ method, path })));
});

afterAll(async () => {
  await rows?.close();
  await api?.close();
  await pipeline?.close();
  await database?.drop();
});

const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', '..', '%', '%00', '\u0000', 'null', 'true', '-1', '0', '1e309', 'NaN', '__proto__', 'constructor', '<script>', "' or 1=1 --", 'a'.repeat(300), 'whe_x', 'whd_x', 'default', 'conv-1.1'),
);

/** An object using the schema's own keys (and a stray one), with random values: reaches deeper validation. */
function shapedObject(keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const key = keys.length === 0 ? fc.string({ maxLength: 8 }) : fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 }));
  return fc.dictionary(key, fc.oneof(junk, fc.jsonValue({ maxDepth: 2 }), fc.integer(), fc.boolean(), fc.array(junk, { maxLength: 3 })), { maxKeys: 6 });
}

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };

function bodyArbitrary(keys: readonly string[]): fc.Arbitrary<Body> {
  return fc.oneof(
    fc.constant<Body>({ kind: 'none' }),
    fc.jsonValue({ maxDepth: 3 }).map((value): Body => ({ kind: 'json', value })),
    shapedObject(keys).map((value): Body => ({ kind: 'json', value })),
    fc.record({ text: fc.string({ maxLength: 60 }), contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x') }).map((raw): Body => ({ kind: 'raw', ...raw })),
  );
}

function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/** What the route's zod schemas say about the input (multipart uploads are never sent as such: invalid). */
function acceptsInput(spec: OperationSpec | undefined, params: Record<string, string>, query: Record<string, string | string[]>, body: Body): boolean {
  if (spec === undefined) return true;
  if (spec.params !== undefined && !spec.params.safeParse(params).success) return false;
  if (spec.query !== undefined && !spec.query.safeParse(query).success) return false;
  if (spec.body === undefined) return true;
  if (spec.bodyContentType === 'multipart/form-data' || body.kind !== 'json') return false;
  return spec.body.safeParse(body.value).success;
}

function requestOf(path: string, params: Record<string, string>, query: Record<string, string | string[]>): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  return `${filled}${search.size === 0 ? '' : `?${search.toString()}`}`;
}

async function send(method: string, url: string, body: Body): Promise<number> {
  const init: RequestInit = { method: method.toUpperCase(), signal: AbortSignal.timeout(30_000) };
  if (body.kind === 'json') Object.assign(init, { body: JSON.stringify(body.value) ?? 'null', headers: { 'content-type': 'application/json' } });
  if (body.kind === 'raw') Object.assign(init, { body: body.text, headers: { 'content-type': body.contentType } });
  const response = await fetch(`${baseUrl}${url}`, init);
  await response.arrayBuffer();
  return response.status;
}

describe('fuzzing every documented endpoint', () => {
  it('covers the documented API (knowledge, auth and webhook routes included when mounted)', () => {
    expect(documented.length).toBeGreaterThan(25);
    expect(documented).toContainEqual({ method: 'post', path: '/api/webhooks' });
  });

  it('answers random input without 5xx, rejects what the schemas reject, and writes nothing when it rejects', async () => {
    const specs = new Map(OPERATIONS.map((spec) => [`${spec.method} ${spec.path}`, spec]));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const { method, path } of documented) {
      const spec = specs.get(`${method} ${path}`);
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
      const paramsArbitrary = fc.record(Object.fromEntries(names.map((name) => [name, junk]))) as fc.Arbitrary<Record<string, string>>;
      const queryArbitrary = fc.dictionary(fc.oneof(fc.constantFrom(...keysOf(spec?.query), 'x'), fc.string({ maxLength: 6 })), fc.oneof(junk, fc.array(junk, { minLength: 2, maxLength: 3 })), { maxKeys: 4 });
      const mutating = method !== 'get';
      await fc.assert(
        fc.asyncProperty(paramsArbitrary, queryArbitrary, bodyArbitrary(keysOf(spec?.body)), async (params, query, body) => {
          const valid = acceptsInput(spec, params, query, body);
          // A valid write would run in the background (turns, syncs) and blur the counts: only rejected writes are sent.
          fc.pre(!mutating || !valid);
          const url = requestOf(path, params, query);
          const [rowsBefore, temporalBefore] = [await rows.counts(), temporalWrites.count];
          const status = await send(method, url, mutating ? body : { kind: 'none' });
          const [rowsAfter, temporalAfter] = [await rows.counts(), temporalWrites.count];
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const where = `${method.toUpperCase()} ${url} ${JSON.stringify(body).slice(0, 200)} → ${status}`;
          expect(status, where).toBeLessThan(path === '/readyz' ? 504 : 500);
          if (mutating) expect(status, `${where}: the schemas reject this input`).toBeGreaterThanOrEqual(400);
          if (mutating || status >= 400) {
            expect(rowsAfter, `${where}: rows written`).toEqual(rowsBefore);
            expect(temporalAfter - temporalBefore, `${where}: Temporal writes`).toBe(0);
          }
        }),
        { numRuns: mutating ? 20 : 12, maxSkipsPerRun: 50 },
      ).catch((error: unknown) => failures.push(`${method.toUpperCase()} ${path}: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join(' | ') : String(error)}`));
    }
    expect(failures).toEqual([]);
    if (process.env.FUZZ_REPORT === '1') process.stdout.write(`fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    // The fuzz reached past validation: accepted reads, rejected input, and lookups of unknown ids.
    for (const status of [200, 400, 404]) expect(statuses.get(status) ?? 0, `responses with status ${status}`).toBeGreaterThan(0);
    // The server is still up and answering.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});
