import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import type { StageTiming } from '../../domain/types.js';
import { createTestDatabase } from '../../test-support/postgres.js';
import { helpCenterDocuments } from './__fixtures__/knowledge-documents.js';
import { createStore, type KyselyStore, type StoreOptions } from './kysely-store.js';
import { migrations } from './migrations/index.js';
import { PGliteDirectoryInUseError } from './pglite-directory-lock.js';
import type { MessageRecord } from './store.js';

const logger = createLogger({ level: 'silent' });
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const notFound = { name: 'ApplicationFailure', type: 'NotFound', nonRetryable: true };

interface Target {
  name: string;
  /** A fresh, empty database: the options to open it, and how to throw it away. */
  provision(): Promise<{ options: StoreOptions; dispose: () => Promise<void> }>;
  /** What a second opener of the same database gets: a working store, or a refusal (PGlite is single-process). */
  secondOpener: 'shares' | 'is-refused';
}

const targets: Target[] = [
  {
    name: 'PostgreSQL',
    secondOpener: 'shares',
    provision: async () => {
      const database = await createTestDatabase();
      return { options: { databaseUrl: database.url, logger }, dispose: () => database.drop() };
    },
  },
  {
    name: 'PGlite on disk',
    secondOpener: 'is-refused',
    provision: async () => {
      const directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-pglite-'));
      return { options: { pgliteDirectory: path.join(directory, 'db'), logger }, dispose: () => rm(directory, { recursive: true, force: true }) };
    },
  },
];

describe.each(targets)('KyselyStore on $name', (target) => {
  let options: StoreOptions;
  let dispose: () => Promise<void>;
  let store: KyselyStore;
  const unique = (label: string) => `${label}-${randomUUID()}`;

  beforeAll(async () => {
    ({ options, dispose } = await target.provision());
    store = createStore(options);
    expect(await store.applyMigrations()).toEqual(Object.keys(migrations));
  });

  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  async function conversationWithTurn(tenantId = 'tenant-a', customerId: string | null = 'customer-1') {
    const conversationId = unique('conversation');
    await store.ensureConversation({ id: conversationId, tenantId, customerId });
    const turnId = `${conversationId}.1`;
    await store.startTurn({ id: turnId, conversationId, turnNumber: 1, workflowId: `conversation-${conversationId}-turn-1` });
    return { conversationId, turnId };
  }

  function message(conversationId: string, turnId: string, role: MessageRecord['role'], content: string): Omit<MessageRecord, 'createdAt'> {
    return { id: `${turnId}:${role}`, conversationId, turnId, role, content, citations: [], confidence: null };
  }

  it('pings, and a second migrate is a no-op', async () => {
    await store.ping();
    expect(await store.applyMigrations()).toEqual([]);
  });

  it('runs concurrent migrations of one store exactly once', async () => {
    const fresh = await target.provision();
    const first = createStore(fresh.options);
    try {
      const results = await Promise.all([first.applyMigrations(), first.applyMigrations(), first.applyMigrations()]);
      expect(results.flat()).toEqual(Object.keys(migrations));
    } finally {
      await first.close();
      await fresh.dispose();
    }
  });

  it('handles a second process opening the same database at once', async () => {
    const fresh = await target.provision();
    const first = createStore(fresh.options);
    const second = createStore(fresh.options);
    try {
      if (target.secondOpener === 'shares') {
        const results = await Promise.all([first.applyMigrations(), second.applyMigrations()]);
        expect(results.flat()).toEqual(Object.keys(migrations));
        const conversation = await second.ensureConversation({ id: 'shared', tenantId: 't', customerId: null });
        expect((await first.getConversation('shared'))?.conversation).toEqual(conversation);
      } else {
        expect(await first.applyMigrations()).toEqual(Object.keys(migrations));
        await expect(second.migrate()).rejects.toThrow(PGliteDirectoryInUseError);
      }
    } finally {
      await Promise.all([first.close(), second.close()]);
      await fresh.dispose();
    }
  });

  it('creates a conversation once and returns the stored row after', async () => {
    const id = unique('conversation');
    const created = await store.ensureConversation({ id, tenantId: 'tenant-a', customerId: 'customer-1', metadata: { channel: 'web', tags: ['vip'] } });
    expect(created).toEqual({
      id,
      tenantId: 'tenant-a',
      customerId: 'customer-1',
      status: 'active',
      metadata: { channel: 'web', tags: ['vip'] },
      createdAt: expect.stringMatching(ISO_TIMESTAMP) as string,
      updatedAt: created.createdAt,
    });
    expect(await store.ensureConversation({ id, tenantId: 'other', customerId: null, metadata: { channel: 'api' } })).toEqual(created);
    await store.setConversationStatus(id, 'closed');
    expect((await store.getConversation(id))?.conversation.status).toBe('closed');
    await expect(store.setConversationStatus(unique('missing'), 'closed')).rejects.toMatchObject(notFound);
  });

  it('saves a message once: a retry returns the first row unchanged', async () => {
    const { conversationId, turnId } = await conversationWithTurn();
    const citation = { index: 1, passageId: 'p1', source: 'knowledge' as const, documentId: 'd1', title: 'Doc', url: null, snippet: 'text' };
    const first = await store.saveMessage({ ...message(conversationId, turnId, 'assistant', 'first answer'), citations: [citation], confidence: 0.75 });
    expect(first).toEqual({ ...message(conversationId, turnId, 'assistant', 'first answer'), citations: [citation], confidence: 0.75, createdAt: first.createdAt });
    expect(first.createdAt).toMatch(ISO_TIMESTAMP);
    expect(await store.saveMessage(message(conversationId, turnId, 'assistant', 'retried answer'))).toEqual(first);
    expect((await store.getConversation(conversationId))?.messages).toEqual([first]);
    await expect(store.saveMessage(message(unique('missing'), turnId, 'user', 'hi'))).rejects.toMatchObject(notFound);
  });

  it('starts a turn once, with empty trace defaults', async () => {
    const { conversationId, turnId } = await conversationWithTurn();
    await store.startTurn({ id: turnId, conversationId, turnNumber: 1, workflowId: 'a-retry-with-another-id' });
    const turn = await store.getTurn(turnId);
    expect(turn).toEqual({
      id: turnId,
      conversationId,
      turnNumber: 1,
      workflowId: `conversation-${conversationId}-turn-1`,
      status: 'running',
      stages: [],
      route: null,
      retrieval: [],
      retrievalHits: [],
      agents: [],
      llmCalls: [],
      qa: [],
      escalated: false,
      escalationId: null,
      confidence: null,
      costUsd: 0,
      createdAt: expect.stringMatching(ISO_TIMESTAMP) as string,
      finishedAt: null,
    });
    expect((await store.getConversation(conversationId))?.turns).toHaveLength(1);
    expect(await store.getTurn(unique('missing'))).toBeNull();
  });

  it('upserts stage timings by (turn, stage)', async () => {
    const { turnId } = await conversationWithTurn();
    const route: StageTiming = { stage: 'route', startedAt: '2024-01-01T00:00:00.000Z', finishedAt: '2024-01-01T00:00:00.250Z', durationMs: 250, status: 'ok' };
    const retrieve: StageTiming = { stage: 'retrieve', startedAt: '2024-01-01T00:00:00.300Z', finishedAt: '2024-01-01T00:00:01.000Z', durationMs: 700.5, status: 'degraded' };
    await store.recordStage(turnId, retrieve);
    await store.recordStage(turnId, route);
    await store.recordStage(turnId, route);
    expect((await store.getTurn(turnId))?.stages).toEqual([route, retrieve]);
    const retried = { ...route, finishedAt: '2024-01-01T00:00:00.400Z', durationMs: 400, status: 'failed' as const };
    await store.recordStage(turnId, retried);
    expect((await store.getTurn(turnId))?.stages).toEqual([retried, retrieve]);
    await expect(store.recordStage(unique('missing'), route)).rejects.toMatchObject(notFound);
  });

  it('patches only the given turn fields', async () => {
    const { turnId } = await conversationWithTurn();
    const routeDecision = { intent: 'billing', complexity: 'simple' as const, language: 'en', agents: [{ agentId: 'billing', score: 0.9, reason: 'invoice' }], confidence: 0.8, wantsHuman: false };
    const llmCall = { purpose: 'synthesize', provider: 'offline', modelId: 'extractive', usage: { inputTokens: 120, outputTokens: 30 }, costUsd: 0.00123, latencyMs: 42, attempt: 1 };
    await store.updateTurn(turnId, { route: routeDecision, agents: ['billing', 'support'], llmCalls: [llmCall], costUsd: 0.00123 });
    await store.updateTurn(turnId, { status: 'completed', confidence: 0.66, finishedAt: '2024-02-03T04:05:06.789Z', qa: [{ check: 'pii', verdict: 'pass', detail: '' }] });
    await store.updateTurn(turnId, {});
    const turn = await store.getTurn(turnId);
    expect(turn).toMatchObject({
      status: 'completed',
      route: routeDecision,
      agents: ['billing', 'support'],
      llmCalls: [llmCall],
      qa: [{ check: 'pii', verdict: 'pass', detail: '' }],
      retrieval: [],
      escalated: false,
      escalationId: null,
      confidence: 0.66,
      costUsd: 0.00123,
      finishedAt: '2024-02-03T04:05:06.789Z',
    });
    await store.updateTurn(turnId, { route: null, escalated: true, escalationId: 'esc-1', confidence: null });
    expect(await store.getTurn(turnId)).toEqual({ ...turn, route: null, escalated: true, escalationId: 'esc-1', confidence: null });
    await expect(store.updateTurn(unique('missing'), { status: 'failed' })).rejects.toMatchObject(notFound);
    await expect(store.updateTurn(unique('missing'), {})).rejects.toMatchObject(notFound);
  });

  it('returns a conversation with ordered messages and turns, or null', async () => {
    const conversationId = unique('conversation');
    await store.ensureConversation({ id: conversationId, tenantId: 'tenant-a', customerId: null });
    for (const turnNumber of [2, 1]) {
      await store.startTurn({ id: `${conversationId}.${turnNumber}`, conversationId, turnNumber, workflowId: `w${turnNumber}` });
    }
    const saved: MessageRecord[] = [];
    for (const [turnNumber, role] of [[1, 'user'], [1, 'assistant'], [2, 'user'], [2, 'assistant']] as const) {
      saved.push(await store.saveMessage(message(conversationId, `${conversationId}.${turnNumber}`, role, `${role} ${turnNumber}`)));
    }
    const result = await store.getConversation(conversationId);
    expect(result?.messages).toEqual(saved);
    expect(result?.turns.map((turn) => [turn.turnNumber, turn.workflowId])).toEqual([[1, 'w1'], [2, 'w2']]);
    expect(await store.getConversation(unique('missing'))).toBeNull();
  });

  it("lists a customer's history from other conversations of the same tenant only, newest first", async () => {
    const customerId = unique('customer');
    const current = await conversationWithTurn('tenant-a', customerId);
    const older = await conversationWithTurn('tenant-a', customerId);
    const newer = await conversationWithTurn('tenant-a', customerId);
    const otherCustomer = await conversationWithTurn('tenant-a', unique('customer'));
    const otherTenant = await conversationWithTurn('tenant-b', customerId);
    const save = (at: { conversationId: string; turnId: string }, role: MessageRecord['role'], content: string) =>
      store.saveMessage(message(at.conversationId, at.turnId, role, content));
    const olderQuestion = await save(older, 'user', 'old question');
    const olderAnswer = await save(older, 'assistant', 'old answer');
    await save(current, 'user', 'current question');
    await save(otherCustomer, 'user', 'someone else');
    await save(otherTenant, 'user', 'other tenant');
    const newerQuestion = await save(newer, 'user', 'new question');
    const history = (limit: number) => store.getCustomerHistory({ tenantId: 'tenant-a', customerId, excludeConversationId: current.conversationId, limit });
    expect(await history(10)).toEqual([newerQuestion, olderAnswer, olderQuestion]);
    expect(await history(2)).toEqual([newerQuestion, olderAnswer]);
    expect(await history(0)).toEqual([]);
  });

  it('inserts, skips and replaces knowledge documents by content hash', async () => {
    const tenantId = unique('tenant');
    const [security, billing] = helpCenterDocuments(tenantId);
    expect(await store.upsertKnowledgeDocument(security!)).toBe('inserted');
    expect(await store.upsertKnowledgeDocument(billing!)).toBe('inserted');
    expect(await store.upsertKnowledgeDocument({ ...security!, title: 'ignored: hash unchanged' })).toBe('unchanged');
    expect(await store.countKnowledgeDocuments(tenantId)).toBe(2);
    const replacement = { ...security!, contentHash: 'security-v2', chunks: [{ id: `${tenantId}:security#new`, ordinal: 0, heading: null, text: 'Passkeys replace passwords.' }] };
    expect(await store.upsertKnowledgeDocument(replacement)).toBe('updated');
    expect(await store.countKnowledgeDocuments(tenantId)).toBe(2);
    expect(await store.searchKnowledge({ tenantId, query: 'rotate authenticator', limit: 10 })).toEqual([]);
    expect((await store.searchKnowledge({ tenantId, query: 'passkeys', limit: 10 })).map((hit) => hit.chunkId)).toEqual([`${tenantId}:security#new`]);
    await expect(store.upsertKnowledgeDocument({ ...security!, tenantId: unique('intruder') })).rejects.toMatchObject({ type: 'InvalidInput' });
  });

  it('searches with stemming and OR semantics, ranks the relevant chunk first, isolates tenants', async () => {
    const tenantId = unique('tenant');
    const otherTenantId = unique('tenant');
    for (const document of [...helpCenterDocuments(tenantId), ...helpCenterDocuments(otherTenantId)]) {
      await store.upsertKnowledgeDocument(document);
    }
    const hits = await store.searchKnowledge({ tenantId, query: 'Rotating keys?', limit: 5 });
    expect(hits.map((hit) => hit.chunkId)).toEqual([`${tenantId}:security#0`, `${tenantId}:billing#0`]);
    expect(hits[0]).toEqual({
      chunkId: `${tenantId}:security#0`,
      documentId: `${tenantId}:security`,
      sourceId: 'help-center',
      title: 'Security settings',
      url: 'https://help.example.com/security',
      heading: 'API credentials',
      text: helpCenterDocuments(tenantId)[0]!.chunks[0]!.text,
      score: hits[0]!.score,
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[1]!.score).toBeGreaterThan(0);
    expect(hits[0]!.score).toBeLessThan(1);
    expect((await store.searchKnowledge({ tenantId, query: 'Rotating keys?', limit: 1 })).map((hit) => hit.chunkId)).toEqual([`${tenantId}:security#0`]);
    // A title word (weight A) alone finds every chunk of the document.
    expect((await store.searchKnowledge({ tenantId, query: 'invoices', limit: 5 })).map((hit) => hit.chunkId)).toEqual([`${tenantId}:billing#0`]);
    expect((await store.searchKnowledge({ tenantId, query: 'security', limit: 5 })).map((hit) => hit.chunkId).sort()).toEqual([`${tenantId}:security#0`, `${tenantId}:security#1`]);
  });

  it('returns no hits for queries without usable words and survives hostile text', async () => {
    const tenantId = unique('tenant');
    for (const document of helpCenterDocuments(tenantId)) await store.upsertKnowledgeDocument(document);
    for (const query of ['', '   ', '&|!():*', 'the and of']) {
      expect(await store.searchKnowledge({ tenantId, query, limit: 5 })).toEqual([]);
    }
    const hostile = [`key' OR 1=1 --`, `key & | ! ( ) : * "rotate"`, `'); drop table knowledge_chunks; --`, 'key:* & !rotate', '\\x00 key \u0000'];
    for (const query of hostile) {
      const hits = await store.searchKnowledge({ tenantId, query, limit: 5 });
      expect(hits.every((hit) => hit.documentId.startsWith(tenantId))).toBe(true);
    }
    expect((await store.searchKnowledge({ tenantId, query: `key' OR 1=1 --`, limit: 5 })).map((hit) => hit.chunkId)).toEqual([`${tenantId}:security#0`, `${tenantId}:billing#0`]);
    expect(await store.countKnowledgeDocuments(tenantId)).toBe(2);
  });

  it('walks an escalation from pending to resolved, once', async () => {
    const { conversationId, turnId } = await conversationWithTurn();
    const input = { id: unique('escalation'), conversationId, turnId, reason: 'low confidence', draftAnswer: 'draft' };
    const created = await store.createEscalation(input);
    expect(created).toEqual({
      ...input,
      tenantId: 'default',
      team: null,
      question: '',
      agents: [],
      evidence: [],
      status: 'pending',
      assignee: null,
      reviewer: null,
      finalAnswer: null,
      note: null,
      reminders: 0,
      createdAt: expect.stringMatching(ISO_TIMESTAMP) as string,
      remindAt: null,
      deadlineAt: null,
      resolvedAt: null,
    });
    expect(await store.createEscalation({ ...input, reason: 'retried' })).toEqual(created);
    const mine = async (status?: 'pending' | 'edited') => (await store.listEscalations({ status })).filter((escalation) => escalation.conversationId === conversationId);
    expect(await mine('pending')).toEqual([created]);
    await store.resolveEscalation({ id: input.id, status: 'edited', reviewer: 'ana', finalAnswer: 'final' });
    await store.resolveEscalation({ id: input.id, status: 'rejected', reviewer: 'bob', finalAnswer: null });
    const resolved = { ...created, status: 'edited' as const, reviewer: 'ana', finalAnswer: 'final', resolvedAt: expect.stringMatching(ISO_TIMESTAMP) as string };
    expect(await mine('pending')).toEqual([]);
    expect(await mine('edited')).toEqual([resolved]);
    expect(await mine()).toEqual([resolved]);
    await expect(store.resolveEscalation({ id: unique('missing'), status: 'approved', reviewer: null, finalAnswer: null })).rejects.toMatchObject(notFound);
  });

  it('filters the reviewer queue by tenant, team, reason and age, and keeps reminders and assignees', async () => {
    const { conversationId, turnId } = await conversationWithTurn();
    const tenantId = unique('tenant');
    const base = { conversationId, turnId, draftAnswer: 'draft', tenantId, question: 'Can I get a refund of $900?', agents: ['billing-expert'] };
    const refund = await store.createEscalation({ ...base, id: unique('refund'), reason: 'policy: refund above $500', team: 'business', evidence: [{ check: 'policy', verdict: 'fail', detail: 'refund $900' }] });
    const breach = await store.createEscalation({ ...base, id: unique('breach'), reason: 'policy: account compromise', team: 'technical', deadlineAt: '2030-01-01T00:00:00.000Z' });
    const ids = async (filter: Omit<Parameters<typeof store.listEscalations>[0], 'tenantId'>) => (await store.listEscalations({ tenantId, ...filter })).map((row) => row.id);
    // Both may be created in the same millisecond (then the id breaks the tie), so compare as a set here.
    expect((await ids({})).sort()).toEqual([refund.id, breach.id].sort());
    expect(await ids({ team: 'technical' })).toEqual([breach.id]);
    expect(await ids({ reason: 'REFUND' })).toEqual([refund.id]);
    expect(await ids({ reason: '%' })).toEqual([]);
    expect(await ids({ olderThanMs: 60 * 60 * 1000 })).toEqual([]);
    expect(await store.listEscalations({ tenantId: unique('other-tenant') })).toEqual([]);
    expect(refund.evidence).toEqual([{ check: 'policy', verdict: 'fail', detail: 'refund $900' }]);
    expect(breach.deadlineAt).toBe('2030-01-01T00:00:00.000Z');

    await store.assignEscalation({ id: refund.id, assignee: 'ana', team: 'customer' });
    await store.recordReminder({ id: refund.id, reminders: 1, nextRemindAt: '2030-01-01T00:00:00.000Z' });
    expect(await store.getEscalation(refund.id)).toMatchObject({ assignee: 'ana', team: 'customer', reminders: 1, remindAt: '2030-01-01T00:00:00.000Z' });
    expect(await store.getEscalation(unique('missing'))).toBeNull();
  });

  it('appends audit entries once per idempotency key, newest first', async () => {
    const tenantId = unique('tenant');
    const entry = { tenantId, actor: 'ana', action: 'review.edit', subjectType: 'escalation', subjectId: 'e-1', details: { before: 'a', after: 'b' } };
    await store.appendAudit({ ...entry, idempotencyKey: `${tenantId}:1` });
    await store.appendAudit({ ...entry, idempotencyKey: `${tenantId}:1` });
    await store.appendAudit({ ...entry, action: 'review.approve', subjectId: 'e-2' });
    const entries = await store.listAudit({ tenantId });
    expect(entries.map((row) => [row.action, row.subjectId])).toEqual([['review.approve', 'e-2'], ['review.edit', 'e-1']]);
    expect(entries[1]).toMatchObject({ actor: 'ana', details: { before: 'a', after: 'b' }, at: expect.stringMatching(ISO_TIMESTAMP) as string });
    expect(await store.listAudit({ tenantId, subjectId: 'e-1' })).toHaveLength(1);
  });

  it('keeps every row across close and reopen', async () => {
    const { conversationId, turnId } = await conversationWithTurn();
    const saved = await store.saveMessage(message(conversationId, turnId, 'user', 'remember me'));
    const before = await store.getConversation(conversationId);
    await store.close();
    store = createStore(options);
    expect(await store.applyMigrations()).toEqual([]);
    expect(await store.getConversation(conversationId)).toEqual(before);
    expect(before?.messages).toEqual([saved]);
  });
});
