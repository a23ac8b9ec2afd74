/**
 * Object-level authorization through the real API, worker and database, in `jwt` mode: every id-bearing
 * route and the WebSocket subscribe answer another tenant's ids (and another customer's conversations) with
 * 404, roles are enforced (401 / 403), customers always write as themselves, and API keys are shown once,
 * stored hashed, rotated with a grace period, revoked and expired — all of it in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../test-support/api-harness.js';
import { hashSecret, parseApiKey } from './api-key-secret.js';
import { ApiKeyService } from './api-key-service.js';
import { openSocket, tokenFor, TEST_JWT, type TestSocket } from './__fixtures__/auth-fixtures.js';

let harness: ApiHarness;
const tokens = {} as Record<'alice' | 'carol' | 'acmeReviewer' | 'acmeAdmin' | 'acmeOperator' | 'globexReviewer' | 'globexAdmin' | 'globexCustomer', string>;
let acmeIntegratorKey: string;
let acmeIntegratorKeyId: string;
/** Alice's conversation (acme) with one finished turn, and an escalation on it. */
let alice: { conversationId: string; turnId: string; escalationId: string };

const call = (method: string, path: string, credential: string | undefined, body?: unknown) => harness.call(method, path, body, credential);

beforeAll(async () => {
  harness = await startApiHarness({ configuration: { auth: { mode: 'jwt', jwt: { ...TEST_JWT } } } });
  tokens.alice = await tokenFor('alice@acme', 'acme', ['customer'], 'alice');
  tokens.carol = await tokenFor('carol@acme', 'acme', ['customer'], 'carol');
  tokens.acmeReviewer = await tokenFor('rita@acme', 'acme', ['reviewer']);
  tokens.acmeAdmin = await tokenFor('adam@acme', 'acme', ['admin']);
  tokens.acmeOperator = await tokenFor('otto@acme', 'acme', ['operator']);
  tokens.globexReviewer = await tokenFor('gina@globex', 'globex', ['reviewer']);
  tokens.globexAdmin = await tokenFor('gus@globex', 'globex', ['admin']);
  tokens.globexCustomer = await tokenFor('gabe@globex', 'globex', ['customer'], 'alice');
  const created = await call('POST', '/api/auth/keys', tokens.acmeAdmin, { name: 'acme backend' });
  expect(created.status).toBe(201);
  acmeIntegratorKey = String(created.body.secret);
  acmeIntegratorKeyId = String((created.body.key as { id: string }).id);
  const sent = await call('POST', '/api/chat?wait=true', tokens.alice, { message: 'How do I rotate an API key?', customerId: 'mallory' });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const conversationId = String(sent.body.conversationId);
  const escalation = await harness.pipeline.store.createEscalation({ id: `esc-${conversationId}`, conversationId, turnId: String(sent.body.turnId), tenantId: 'acme', reason: 'test', draftAnswer: 'draft' });
  alice = { conversationId, turnId: String(sent.body.turnId), escalationId: escalation.id };
});

afterAll(async () => {
  await harness?.close();
});

describe('tenancy and ownership on REST', () => {
  it('starts conversations in the caller\'s tenant, as the customer themselves whatever the body says', async () => {
    const stored = await harness.pipeline.store.getConversation(alice.conversationId);
    expect(stored?.conversation).toMatchObject({ tenantId: 'acme', customerId: 'alice' });
    const onBehalf = await call('POST', '/api/chat', acmeIntegratorKey, { message: 'Where is my invoice?', customerId: 'bob' });
    expect(onBehalf.status).toBe(202);
    const described = await harness.pipeline.client.workflow.getHandle(String(onBehalf.body.workflowId)).describe();
    expect(described.searchAttributes).toMatchObject({ TenantId: ['acme'], CustomerId: ['bob'] });
  });

  it('answers 404 for another tenant\'s ids on every id-bearing route', async () => {
    const { conversationId, turnId, escalationId } = alice;
    const attempts: [string, string, string, unknown?][] = [
      ['GET', `/api/conversations/${conversationId}`, tokens.globexReviewer],
      ['GET', `/api/conversations/${conversationId}/turns/${turnId}`, tokens.globexReviewer],
      ['GET', `/api/conversations/${conversationId}/state`, tokens.globexReviewer],
      ['POST', '/api/chat', tokens.globexCustomer, { message: 'hello', conversationId }],
      ['POST', `/api/conversations/${conversationId}/takeover`, tokens.globexReviewer, { agent: 'gina' }],
      ['POST', `/api/conversations/${conversationId}/release`, tokens.globexReviewer, { agent: 'gina' }],
      ['POST', `/api/conversations/${conversationId}/messages`, tokens.globexReviewer, { agent: 'gina', message: 'hi' }],
      ['GET', `/api/escalations/${escalationId}`, tokens.globexReviewer],
      ['POST', `/api/escalations/${escalationId}/decision`, tokens.globexReviewer, { action: 'approve', reviewer: 'gina' }],
      ['POST', `/api/auth/keys/${acmeIntegratorKeyId}/rotate`, tokens.globexAdmin, {}],
      ['DELETE', `/api/auth/keys/${acmeIntegratorKeyId}`, tokens.globexAdmin],
    ];
    for (const [method, path, token, body] of attempts) {
      const response = await call(method, path, token, body);
      expect([method, path, response.status]).toEqual([method, path, 404]);
      expect(JSON.stringify(response.body)).not.toContain('alice');
    }
    // The same routes work for the owner's tenant (so the 404s above are about tenancy, not the routes).
    expect((await call('GET', `/api/conversations/${conversationId}`, tokens.acmeReviewer)).status).toBe(200);
    expect((await call('GET', `/api/escalations/${escalationId}`, tokens.acmeReviewer)).status).toBe(200);
    expect((await call('GET', `/api/conversations/${conversationId}/state`, acmeIntegratorKey)).status).toBe(200);
    // Lists are the caller's tenant only.
    expect((await call('GET', '/api/conversations', tokens.globexReviewer)).body.conversations).toEqual([]);
    expect((await call('GET', '/api/escalations', tokens.globexReviewer)).body.escalations).toEqual([]);
    expect((await call('GET', '/api/escalations', tokens.acmeReviewer)).body.escalations).toEqual([expect.objectContaining({ id: escalationId })]);
  });

  it('shows a customer only their own conversations (another customer\'s id → 404)', async () => {
    const { conversationId, turnId } = alice;
    for (const path of [`/api/conversations/${conversationId}`, `/api/conversations/${conversationId}/turns/${turnId}`, `/api/conversations/${conversationId}/state`]) {
      expect((await call('GET', path, tokens.carol)).status).toBe(404);
      expect((await call('GET', path, tokens.alice)).status).toBe(200);
    }
    expect((await call('POST', '/api/chat', tokens.carol, { message: 'let me in', conversationId })).status).toBe(404);
    const list = await call('GET', '/api/conversations?customerId=alice', tokens.carol);
    expect(list.body.conversations).toEqual([]);
    expect(((await call('GET', '/api/conversations', tokens.alice)).body.conversations as { id: string }[]).map((row) => row.id)).toEqual([conversationId]);
  });

  it('answers 401 with a Bearer challenge without valid credentials, and 403 for the wrong role', async () => {
    const anonymous = await call('GET', `/api/conversations/${alice.conversationId}`, undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(anonymous.headers.get('x-agentcraft-auth')).toBeNull();
    expect((await call('GET', '/api/auth/me', 'not-a-token')).status).toBe(401);
    expect((await call('GET', '/api/auth/me', 'ack_0123456789abcdef_xxx')).body.error).toMatchObject({ code: 'unauthorized', message: 'The API key is malformed' });
    expect((await call('GET', '/api/escalations', tokens.alice)).body.error).toMatchObject({ code: 'forbidden' });
    expect((await call('POST', '/api/auth/keys', tokens.acmeReviewer, { name: 'x' })).status).toBe(403);
    expect((await call('GET', '/api/audit', acmeIntegratorKey)).status).toBe(403);
    // The shared agent catalog: only operators (or the default tenant's admins) edit it.
    expect((await call('PATCH', '/api/agents/legal-agent', tokens.globexAdmin, { enabled: false, editedBy: 'gus' })).status).toBe(403);
    const me = await call('GET', '/api/auth/me', tokens.alice);
    expect(me.body).toEqual({ principal: { subject: 'alice@acme', tenantId: 'acme', roles: ['customer'], method: 'jwt', customerId: 'alice' }, developmentMode: false });
  });
});

describe('the WebSocket', () => {
  const subscribe = async (socket: TestSocket, conversationId: string) => {
    const from = socket.frames.length;
    socket.send({ type: 'subscribe', conversationId });
    return await socket.next((frame) => frame.conversationId === conversationId && (frame.type === 'snapshot' || frame.type === 'error'), from);
  };

  it('refuses upgrades without valid credentials (401)', async () => {
    expect(await openSocket(harness.baseUrl)).toEqual({ refused: 401 });
    expect(await openSocket(harness.baseUrl, 'forged.token.here')).toEqual({ refused: 401 });
  });

  it('authorizes every subscribe: another tenant or customer gets the not_found error frame', async () => {
    const socketOf = async (token: string) => (await openSocket(harness.baseUrl, token)) as TestSocket;
    const globex = await socketOf(tokens.globexReviewer);
    expect(await subscribe(globex, alice.conversationId)).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    expect(await subscribe(globex, 'reviewers:acme')).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    expect(await subscribe(globex, 'reviewers:globex')).toMatchObject({ type: 'snapshot' });
    const carol = await socketOf(tokens.carol);
    expect(await subscribe(carol, alice.conversationId)).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    expect(await subscribe(carol, 'reviewers:acme')).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    const owner = await socketOf(tokens.alice);
    expect(await subscribe(owner, alice.conversationId)).toMatchObject({ type: 'snapshot', state: { conversationId: alice.conversationId } });
    const reviewer = await socketOf(tokens.acmeReviewer);
    expect(await subscribe(reviewer, 'reviewers:acme')).toMatchObject({ type: 'snapshot' });
    for (const socket of [globex, carol, owner, reviewer]) socket.close();
  });

  it('validates every frame with zod and keeps the connection open', async () => {
    const socket = (await openSocket(harness.baseUrl, acmeIntegratorKey)) as TestSocket;
    const bad: [string, string][] = [
      ['{not json', 'invalid_json'],
      [JSON.stringify({ type: 'subscribe' }), 'invalid_frame'],
      [JSON.stringify({ type: 'subscribe', conversationId: '../../etc/passwd' }), 'invalid_frame'],
      [JSON.stringify({ type: 'subscribe', conversationId: alice.conversationId, fromSeq: -1 }), 'invalid_frame'],
      [JSON.stringify({ type: 'subscribe', conversationId: alice.conversationId, extra: true }), 'invalid_frame'],
      [JSON.stringify({ type: 'drop-tables' }), 'invalid_frame'],
      [JSON.stringify([1, 2, 3]), 'invalid_frame'],
    ];
    for (const [text, code] of bad) {
      const from = socket.frames.length;
      socket.sendRaw(text);
      expect(await socket.next((frame) => frame.type === 'error', from)).toMatchObject({ error: { code } });
    }
    expect(await subscribe(socket, alice.conversationId)).toMatchObject({ type: 'snapshot' });
    socket.close();
  });
});

describe('API keys', () => {
  it('shows the secret once and stores only its SHA-256 hash', async () => {
    const parsed = parseApiKey(acmeIntegratorKey);
    const stored = await harness.pipeline.store.security().getApiKey(parsed?.id ?? '');
    expect(stored?.secretHash).toBe(hashSecret(parsed?.secret ?? ''));
    expect(JSON.stringify(stored)).not.toContain(parsed?.secret);
    const listed = await call('GET', '/api/auth/keys', tokens.acmeAdmin);
    expect(JSON.stringify(listed.body)).not.toContain(parsed?.secret);
    expect(listed.body.keys).toContainEqual(expect.objectContaining({ id: parsed?.id, prefix: `ack_${parsed?.id}`, roles: ['integrator'], revokedAt: null }));
    expect((await call('GET', '/api/auth/keys', tokens.globexAdmin)).body.keys).toEqual([]);
  });

  it('rejects revoked and expired keys; a rotated key keeps working for its grace period only', async () => {
    const create = async (body: unknown) => (await call('POST', '/api/auth/keys', tokens.acmeAdmin, body)).body as { key: { id: string }; secret: string };
    const revoked = await create({ name: 'to revoke', roles: ['integrator'] });
    expect((await call('GET', '/api/auth/me', revoked.secret)).status).toBe(200);
    expect((await call('DELETE', `/api/auth/keys/${revoked.key.id}`, tokens.acmeAdmin)).status).toBe(204);
    expect((await call('GET', '/api/auth/me', revoked.secret)).body.error).toMatchObject({ code: 'unauthorized', message: 'The API key has been revoked' });

    const service = new ApiKeyService(harness.pipeline.store.security());
    const expired = await service.create({ tenantId: 'acme', name: 'old', roles: ['integrator'], scopes: [], expiresAt: new Date(Date.now() - 1000).toISOString(), createdBy: 'test' });
    expect((await call('GET', '/api/auth/me', expired.secret)).body.error).toMatchObject({ code: 'unauthorized', message: 'The API key has expired' });
    expect((await call('POST', '/api/auth/keys', tokens.acmeAdmin, { name: 'past', expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(400);

    const original = await create({ name: 'rotating', roles: ['integrator'], scopes: ['chat'] });
    const graceful = await call('POST', `/api/auth/keys/${original.key.id}/rotate`, tokens.acmeAdmin, { graceSeconds: 3600 });
    expect(graceful.status).toBe(201);
    expect(graceful.body.key).toMatchObject({ rotatedFromId: original.key.id, scopes: ['chat'] });
    const next = String(graceful.body.secret);
    expect((await call('GET', '/api/auth/me', original.secret)).status).toBe(200);
    expect((await call('GET', '/api/auth/me', next)).status).toBe(200);
    const immediate = await call('POST', `/api/auth/keys/${(graceful.body.key as { id: string }).id}/rotate`, tokens.acmeAdmin, { graceSeconds: 0 });
    expect((await call('GET', '/api/auth/me', next)).body.error).toMatchObject({ message: 'The API key has expired' });
    expect((await call('GET', '/api/auth/me', String(immediate.body.secret))).status).toBe(200);
    // A key limited to the chat scope cannot read conversations.
    expect((await call('GET', '/api/conversations', original.secret)).status).toBe(403);
  });

  it('records last use', async () => {
    const record = await harness.pipeline.store.security().getApiKey(acmeIntegratorKeyId);
    expect(record?.lastUsedAt).not.toBeNull();
  });
});

describe('the audit log', () => {
  it('holds logins, key changes and catalog edits of the tenant, for admins, newest first and paged', async () => {
    const edited = await call('PATCH', '/api/agents/legal-agent', tokens.acmeOperator, { enabled: false, editedBy: 'someone-else' });
    expect(edited.status).toBe(200);
    await call('PATCH', '/api/agents/legal-agent', tokens.acmeOperator, { enabled: true, editedBy: 'someone-else' });
    const page = await call('GET', '/api/audit?limit=500', tokens.acmeAdmin);
    const entries = page.body.entries as { id: string; action: string; actor: string; tenantId: string; targetId: string }[];
    const actions = new Set(entries.map((entry) => entry.action));
    for (const action of ['auth.login', 'api-key.create', 'api-key.rotate', 'api-key.revoke', 'agent.disable', 'agent.enable']) expect(actions).toContain(action);
    expect(entries.every((entry) => entry.tenantId === 'acme')).toBe(true);
    expect(entries.find((entry) => entry.action === 'agent.disable')).toMatchObject({ actor: 'otto@acme', targetId: 'legal-agent' });
    // One login entry per subject and day, however many requests.
    expect(entries.filter((entry) => entry.action === 'auth.login' && entry.actor === 'alice@acme')).toHaveLength(1);
    const ids = entries.map((entry) => Number(entry.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const older = await call('GET', `/api/audit?limit=2&before=${ids[1]}`, tokens.acmeAdmin);
    expect((older.body.entries as { id: string }[]).map((entry) => Number(entry.id))).toEqual(ids.slice(2, 4));
    const logins = await call('GET', '/api/audit?action=auth.login', tokens.acmeAdmin);
    expect((logins.body.entries as { action: string }[]).every((entry) => entry.action === 'auth.login')).toBe(true);
    expect(JSON.stringify((await call('GET', '/api/audit', tokens.globexAdmin)).body)).not.toContain('acme');
  });
});
