/**
 * Payload encryption end to end: a real worker and API with the codec, histories read with a client
 * without it (ciphertext only), and the codec endpoint the Temporal Web UI and CLI call to read them.
 */
import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
// CommonJS package: Node's ESM loader only sees its default export (named imports work under vitest, not node).
import proto from '@temporalio/proto';

const { temporal } = proto;
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptionDataConverter, type CodecKey } from '../../domain/payload-codec.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../../test-support/pipeline.js';
import { createTestClient, type TestClient } from '../../test-support/temporal.js';
import { replayHistory } from '../../workers/replay.js';
import { ApiKeyService } from '../auth/api-key-service.js';
import { startApiServer, type RunningApiServer } from '../server.js';

const WEB_UI_ORIGIN = 'http://localhost:8233';
/** An operator's API key (the codec needs the operator role); the integrator's key starts the conversation. */
let TOKEN: string;
let integratorKey: string;
const SECRET = 'my cat is called Zanzibar-4471';
const keys: CodecKey[] = [{ id: 'test-key-1', key: randomBytes(32) }];

let pipeline: TestPipeline;
let raw: TestClient;
let api: RunningApiServer;
let apiWithoutKeys: RunningApiServer;

beforeAll(async () => {
  pipeline = await startTestPipeline({ dataConverter: encryptionDataConverter(keys) });
  raw = await createTestClient();
  const base = { temporal: pipeline.client, store: pipeline.store, eventLog: pipeline.eventLog, logger: testLogger, port: 0 };
  const temporalConfiguration = { taskQueue: pipeline.taskQueue, namespace: 'default' };
  const apiKeys = new ApiKeyService(pipeline.store.security());
  const keyOf = async (role: 'operator' | 'integrator') => (await apiKeys.create({ tenantId: 'default', name: role, roles: [role], scopes: [], expiresAt: null, createdBy: 'test' })).secret;
  TOKEN = await keyOf('operator');
  integratorKey = await keyOf('integrator');
  const auth = { mode: 'jwt' } as const;
  api = await startApiServer({
    ...base,
    configuration: { temporal: temporalConfiguration, waitTimeoutMs: 30_000, auth, codec: { keys, corsOrigins: [WEB_UI_ORIGIN] } },
  });
  apiWithoutKeys = await startApiServer({ ...base, configuration: { temporal: temporalConfiguration, waitTimeoutMs: 30_000, auth, codec: { keys: [], corsOrigins: [WEB_UI_ORIGIN] } } });
});

afterAll(async () => {
  await Promise.allSettled([api?.close(), apiWithoutKeys?.close()]);
  await pipeline?.close();
  await raw?.close();
});

/**
 * Every payload the data converter wrote into history (inputs, results, update arguments, memos…).
 * Skipped: search attributes, which the server indexes and Temporal never encodes, and the SDK's own
 * bookkeeping in markers (patch ids; a local activity's type, attempt and times, beside its encoded result).
 */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return found;
  if ('markerName' in value && value.markerName === 'core_patch') return found;
  if ('markerName' in value && value.markerName === 'core_local_activity' && 'details' in value) {
    return payloadsIn((value.details as Record<string, unknown> | null)?.result, found);
  }
  if ('data' in value && value.data instanceof Uint8Array && 'metadata' in value) found.push(value as Payload);
  for (const [key, child] of Object.entries(value)) {
    // Search attributes are never encoded (Temporal indexes them); the tracing header carries only a W3C
    // trace context (ids, no conversation text) and is checked separately below.
    if (key === 'searchAttributes' || key === TRACER_HEADER) continue;
    payloadsIn(child, found);
  }
  return found;
}

/** The OpenTelemetry interceptors' header: trace context only. */
const TRACER_HEADER = '_tracer-data';

/** Every tracing header in a history, decoded. */
function tracerHeadersIn(value: unknown, found: unknown[] = []): unknown[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return found;
  for (const [key, child] of Object.entries(value)) {
    const data = key === TRACER_HEADER && typeof child === 'object' && child !== null ? (child as { data?: unknown }).data : undefined;
    if (data instanceof Uint8Array) found.push(JSON.parse(Buffer.from(data).toString('utf8')) as unknown);
    else tracerHeadersIn(child, found);
  }
  return found;
}

/** Proto3 JSON of `Payloads`, as the Web UI and CLI send them. */
function toProtoJson(payloads: Payload[]) {
  const base64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('base64');
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, base64(value)])),
      data: base64(payload.data),
    })),
  };
}

async function callCodec(server: RunningApiServer, direction: 'encode' | 'decode', body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/codec/${direction}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: WEB_UI_ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('payload encryption with a real worker', () => {
  let ids: { workflowId: string; turnWorkflowId: string };

  beforeAll(async () => {
    const response = await fetch(`http://127.0.0.1:${api.port}/api/chat?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${integratorKey}` },
      body: JSON.stringify({ message: `How do I rotate an API key? By the way, ${SECRET}.` }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: 'completed' });
    expect(String(body.answer).length).toBeGreaterThan(0);
    ids = { workflowId: String(body.workflowId), turnWorkflowId: String(body.turnWorkflowId) };
  });

  it('keeps the user message out of the histories, which hold only encrypted payloads', async () => {
    for (const workflowId of [ids.workflowId, ids.turnWorkflowId]) {
      const history = await raw.client.workflow.getHandle(workflowId).fetchHistory();
      const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
      expect(bytes.includes(Buffer.from('Zanzibar')), workflowId).toBe(false);
      const payloads = payloadsIn(history.events);
      expect(payloads.length).toBeGreaterThan(0);
      // Unencoded, by the SDK's design: the tracing header, which holds nothing but W3C trace-context fields.
      for (const header of tracerHeadersIn(history.events)) expect(Object.keys(header as object).every((key) => key === 'traceparent' || key === 'tracestate')).toBe(true);
      for (const payload of payloads) expect(Buffer.from(payload.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    }
    // The client with the codec still reads the conversation.
    const state = await pipeline.client.workflow.getHandle(ids.workflowId).query<{ turnCount: number }>('getState');
    expect(state.turnCount).toBe(1);
  });

  it('replays the encrypted histories with the codec (npm run replay)', async () => {
    for (const workflowId of [ids.workflowId, ids.turnWorkflowId]) {
      const history = await raw.client.workflow.getHandle(workflowId).fetchHistory();
      expect(await replayHistory(history, workflowId, testLogger, encryptionDataConverter(keys))).toEqual({ workflowId, error: null });
    }
  });

  it('decodes the history for an authorized caller, and re-encodes what it decoded', async () => {
    const history = await raw.client.workflow.getHandle(ids.turnWorkflowId).fetchHistory();
    const encrypted = toProtoJson(payloadsIn(history.events));
    const decoded = await callCodec(api, 'decode', encrypted);
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(WEB_UI_ORIGIN);
    const plain = (decoded.body.payloads as { metadata: Record<string, string>; data: string }[]).map((payload) => ({
      encoding: Buffer.from(payload.metadata.encoding ?? '', 'base64').toString(),
      data: Buffer.from(payload.data, 'base64').toString(),
    }));
    expect(plain.some((payload) => payload.encoding === 'json/plain' && payload.data.includes(SECRET))).toBe(true);

    const reEncoded = await callCodec(api, 'encode', decoded.body);
    expect(reEncoded.status).toBe(200);
    const again = await callCodec(api, 'decode', reEncoded.body);
    expect(again.body).toEqual(decoded.body);
  });

  it('rejects callers without credentials (401) or without the operator role (403), and says which payload it cannot decrypt (400)', async () => {
    const history = await raw.client.workflow.getHandle(ids.workflowId).fetchHistory();
    const encrypted = toProtoJson(payloadsIn(history.events).slice(0, 1));
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const response = await callCodec(api, 'decode', encrypted, headers);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect(JSON.stringify(response.body)).not.toContain('Zanzibar');
    }
    // Authenticated, but not an operator: 403.
    const integrator = await callCodec(api, 'decode', encrypted, { authorization: `Bearer ${integratorKey}` });
    expect(integrator).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(JSON.stringify(integrator.body)).not.toContain('Zanzibar');
    const tampered = structuredClone(encrypted);
    const first = tampered.payloads[0];
    if (first === undefined) throw new Error('no payload');
    first.metadata['encryption-key-id'] = Buffer.from('retired-key').toString('base64');
    const unknownKey = await callCodec(api, 'decode', tampered);
    expect(unknownKey).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: 'Unknown encryption key id "retired-key": add it to AGENTCRAFT_CODEC_KEYS' } } });
    const malformed = await callCodec(api, 'decode', { payloads: [{ data: 'not base64!' }] });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });
});

describe('codec endpoint CORS and availability', () => {
  it('answers the Web UI preflight without credentials, and not for other origins', async () => {
    const preflight = (origin: string) =>
      fetch(`http://127.0.0.1:${api.port}/api/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    const allowed = await preflight(WEB_UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB_UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')?.split(', ').sort()).toEqual(['authorization', 'content-type', 'x-namespace']);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is not served (404) when no keys are configured', async () => {
    const response = await callCodec(apiWithoutKeys, 'decode', { payloads: [] });
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
