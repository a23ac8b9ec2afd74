import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import { createDatabase } from '../activities/persistence/database.js';
import { KyselyStore } from '../activities/persistence/kysely-store.js';
import { MAX_MESSAGE_CHARS } from '../domain/constants.js';
import { testTemporalAddress } from '../test-support/temporal.js';
import { startApiServer, type RunningApiServer } from './server.js';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

const logger = pino({ level: 'silent' });
const database = createDatabase({});
const store = new KyselyStore(database, { logger });
const eventLog = new MemoryEventLog({ logger });
/** Every gRPC method the API calls on Temporal (the real dev server), to prove bad input never gets there. */
const temporalCalls: string[] = [];
const countCalls: GrpcInterceptor = (options, nextCall) => {
  temporalCalls.push(String(options.method_definition.path));
  return nextCall(options) as ReturnType<GrpcInterceptor>;
};
let connection: Connection;
let running: RunningApiServer;
let baseUrl: string;

beforeAll(async () => {
  await store.migrate();
  connection = await Connection.connect({ address: testTemporalAddress(), interceptors: [countCalls] });
  temporalCalls.length = 0; // forget the connection's own handshake
  running = await startApiServer({
    temporal: new Client({ connection, namespace: 'default' }),
    store,
    eventLog,
    logger,
    port: 0,
    configuration: { temporal: { taskQueue: 'api-app-test', namespace: 'default' }, waitTimeoutMs: 2_000 },
    readiness: { alwaysFails: () => Promise.reject(new Error('down on purpose')) },
  });
  baseUrl = `http://127.0.0.1:${running.port}`;
});

afterAll(async () => {
  await running?.close();
  await Promise.allSettled([store.close(), eventLog.close(), connection?.close()]);
});

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

async function postChat(body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }, query = '') {
  const response = await fetch(`${baseUrl}/api/chat${query}`, { method: 'POST', headers, body });
  return { response, body: (await response.json()) as ErrorBody };
}

async function countRows(): Promise<number> {
  const tables = ['conversations', 'messages', 'turns'] as const;
  const counts = await Promise.all(
    tables.map((table) => database.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
  );
  return counts.reduce((sum, row) => sum + Number(row.n), 0);
}

describe('POST /api/chat rejects bad input at the edge', () => {
  const json = (value: unknown) => JSON.stringify(value);
  const cases: { name: string; body: string | undefined; status: number; code: string; mentions?: string; headers?: Record<string, string>; query?: string }[] = [
    { name: 'empty message', body: json({ message: '' }), status: 400, code: 'invalid_request', mentions: 'message' },
    { name: 'whitespace-only message', body: json({ message: ' \n\t ' }), status: 400, code: 'invalid_request', mentions: 'message' },
    { name: 'message over MAX_MESSAGE_CHARS', body: json({ message: 'a'.repeat(MAX_MESSAGE_CHARS + 1) }), status: 400, code: 'invalid_request', mentions: 'message' },
    { name: 'body over 64 KiB', body: json({ message: 'a'.repeat(70 * 1024) }), status: 413, code: 'payload_too_large' },
    { name: 'malformed JSON', body: '{"message": "hi"', status: 400, code: 'invalid_json' },
    { name: 'a JSON array', body: '["hi"]', status: 400, code: 'invalid_request', mentions: '(root)' },
    { name: 'a JSON string', body: '"hi"', status: 400, code: 'invalid_request', mentions: '(root)' },
    { name: 'a non-JSON content type', body: 'hello', status: 415, code: 'unsupported_media_type', headers: { 'content-type': 'text/plain' } },
    { name: 'no body at all', body: undefined, status: 400, code: 'invalid_request', headers: {}, mentions: '(root)' },
    { name: 'message of the wrong type', body: json({ message: 42 }), status: 400, code: 'invalid_request', mentions: 'message' },
    { name: 'conversationId with a path', body: json({ message: 'hi', conversationId: '../etc/passwd' }), status: 400, code: 'invalid_request', mentions: 'conversationId' },
    { name: 'conversationId with a dot', body: json({ message: 'hi', conversationId: 'abc.1' }), status: 400, code: 'invalid_request', mentions: 'conversationId' },
    { name: 'conversationId too long', body: json({ message: 'hi', conversationId: 'a'.repeat(65) }), status: 400, code: 'invalid_request', mentions: 'conversationId' },
    { name: 'metadata not an object', body: json({ message: 'hi', metadata: 'x' }), status: 400, code: 'invalid_request', mentions: 'metadata' },
    { name: 'an unknown field', body: json({ message: 'hi', conversationID: 'abc' }), status: 400, code: 'invalid_request', mentions: 'conversationID' },
    { name: 'a bad wait flag', body: json({ message: 'hi' }), status: 400, code: 'invalid_request', mentions: 'wait', query: '?wait=maybe' },
  ];

  it.each(cases)('$name → $status $code', async ({ body, status, code, mentions, headers, query }) => {
    const result = await postChat(body, headers, query);
    expect(result.response.status).toBe(status);
    expect(result.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.body.error.code).toBe(code);
    expect(result.body.error.requestId).toBe(result.response.headers.get('x-request-id'));
    expect(result.body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    if (mentions !== undefined) expect(result.body.error.message).toContain(mentions);
  });

  it('wrote nothing and never called Temporal for any of them', async () => {
    expect(temporalCalls).toEqual([]);
    expect(await countRows()).toBe(0);
    expect(await eventLog.lastSeq('abc')).toBe(0);
  });
});

describe('request ids', () => {
  it('echoes a sane x-request-id and uses it in error bodies', async () => {
    const result = await postChat('{', { 'content-type': 'application/json', 'x-request-id': 'client-req:42' });
    expect(result.response.headers.get('x-request-id')).toBe('client-req:42');
    expect(result.body.error.requestId).toBe('client-req:42');
  });

  it('replaces an unsafe x-request-id with a UUID', async () => {
    const response = await fetch(`${baseUrl}/healthz`, { headers: { 'x-request-id': `evil id ${'x'.repeat(200)}` } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('conversation reads', () => {
  beforeAll(async () => {
    await store.ensureConversation({ id: 'conv-a', tenantId: 'default', customerId: null });
    await store.ensureConversation({ id: 'conv-b', tenantId: 'default', customerId: null });
    await store.startTurn({ id: 'conv-a.1', conversationId: 'conv-a', turnNumber: 1, workflowId: 'conversation-conv-a-turn-1' });
  });

  it('returns the stored conversation with its messages and turns', async () => {
    const response = await fetch(`${baseUrl}/api/conversations/conv-a`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { conversation: { id: string }; messages: unknown[]; turns: { id: string }[] };
    expect(body.conversation.id).toBe('conv-a');
    expect(body.messages).toEqual([]);
    expect(body.turns.map((turn) => turn.id)).toEqual(['conv-a.1']);
  });

  it('returns a turn trace only under its own conversation', async () => {
    const own = await fetch(`${baseUrl}/api/conversations/conv-a/turns/conv-a.1`);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: 'conv-a.1', conversationId: 'conv-a', status: 'running', stages: [] });
    const other = await fetch(`${baseUrl}/api/conversations/conv-b/turns/conv-a.1`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as ErrorBody).error.code).toBe('turn_not_found');
  });

  it('404s an unknown conversation, 400s a malformed id', async () => {
    const unknown = await fetch(`${baseUrl}/api/conversations/does-not-exist`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('conversation_not_found');
    const malformed = await fetch(`${baseUrl}/api/conversations/a.b`);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error.code).toBe('invalid_request');
  });

  it('404s the live state of a conversation whose workflow does not exist', async () => {
    const response = await fetch(`${baseUrl}/api/conversations/no-such-workflow-${Date.now()}/state`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('conversation_not_found');
  });
});

describe('operational endpoints', () => {
  it('GET / lists what the server offers', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { name: string; endpoints: Record<string, unknown> };
    expect(body.name).toBe('AgentCraft');
    expect(Object.keys(body.endpoints)).toEqual(['chat', 'conversation', 'state', 'trace', 'events', 'health']);
  });

  it('GET /healthz is ok', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz reports each check and fails when one fails', async () => {
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('unavailable');
    expect(body.checks.temporal?.status).toBe('ok');
    expect(body.checks.store?.status).toBe('ok');
    expect(body.checks.eventLog?.status).toBe('ok');
    expect(body.checks.alwaysFails?.status).toBe('error');
    expect(JSON.stringify(body)).not.toContain('down on purpose');
  });

  it('unknown routes get a JSON 404', async () => {
    const response = await fetch(`${baseUrl}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('not_found');
  });

  it('GET /metrics labels requests by route pattern, not raw path', async () => {
    await fetch(`${baseUrl}/api/conversations/metrics-probe-123`);
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/conversations\/:id",status_code="404"\} \d+/);
    expect(text).not.toContain('metrics-probe-123');
    expect(text).toContain('agentcraft_api_process_cpu_user_seconds_total');
  });
});
