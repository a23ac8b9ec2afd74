/**
 * Human review end to end through the API and a real worker: the reviewer queue, decisions (one wins when
 * two reviewers race), reassignment, hand-over, human replies, release, curated answers and analytics.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reviewerFeedId } from '../domain/constants.js';
import type { ConversationEvent, TurnResult } from '../domain/types.js';
import { startApiHarness, type ApiHarness } from '../test-support/api-harness.js';
import type { TestPipeline } from '../test-support/pipeline.js';
import { HANDOVER_ANSWER } from '../workflows/turn-helpers.js';

let harness: ApiHarness;
let pipeline: TestPipeline;

beforeAll(async () => {
  harness = await startApiHarness({ pipeline: { settings: { reviewTimeoutMs: 10 * 60_000, review: { remindAfterMs: 5 * 60_000 } } } });
  pipeline = harness.pipeline;
});

afterAll(async () => {
  await harness?.close();
});

const call = (method: string, path: string, body?: unknown) => harness.call(method, path, body);

async function waitForEvent(conversationId: string, type: string, matches: (event: ConversationEvent) => boolean = () => true): Promise<ConversationEvent> {
  let found: ConversationEvent | undefined;
  await vi.waitFor(
    async () => {
      found = (await pipeline.eventLog.read(conversationId, 0)).find((event) => event.type === type && matches(event));
      expect(found, `${type} in ${conversationId}`).toBeDefined();
    },
    { timeout: 30_000, interval: 100 },
  );
  return found!;
}

/** Starts a conversation whose first turn escalates (the customer asks for a person). */
async function escalate(message: string): Promise<{ conversationId: string; turnId: string; escalationId: string }> {
  const started = await call('POST', '/api/chat', { message });
  expect(started.status).toBe(202);
  const conversationId = String(started.body.conversationId);
  const created = await waitForEvent(conversationId, 'escalation-created');
  return { conversationId, turnId: String(started.body.turnId), escalationId: String(created.payload.escalationId) };
}

describe('the reviewer queue and decisions', () => {
  it('queues an escalation with its evidence, lets exactly one of two racing reviewers decide, audits and curates it', async () => {
    const question = 'Can I talk to a human about downloading my invoice?';
    const { conversationId, escalationId } = await escalate(question);

    const queue = await call('GET', '/api/escalations?status=pending');
    const queued = (queue.body.escalations as Record<string, unknown>[]).find((row) => row.id === escalationId);
    expect(queued).toMatchObject({ status: 'pending', question, overdue: false });
    expect(String(queued?.reason)).toMatch(/person/);
    expect(Array.isArray(queued?.evidence) && (queued.evidence as unknown[]).length).toBeGreaterThan(0);
    // The queue's team is the primary agent's.
    const team = String(queued?.team);
    expect(['customer', 'business']).toContain(team);
    const otherTeam = team === 'business' ? 'technical' : 'business';
    expect((await call('GET', `/api/escalations?status=pending&team=${team}`)).body.escalations).toContainEqual(expect.objectContaining({ id: escalationId }));
    expect((await call('GET', `/api/escalations?status=pending&team=${otherTeam}`)).body.escalations).not.toContainEqual(expect.objectContaining({ id: escalationId }));
    // The deadline is set from workflow time when the review starts, just before the row is written.
    const slaMs = Date.parse(String(queued?.deadlineAt)) - Date.parse(String(queued?.createdAt));
    expect(slaMs).toBeGreaterThan(10 * 60_000 - 5_000);
    expect(slaMs).toBeLessThanOrEqual(10 * 60_000);
    expect((await call('GET', '/api/escalations?minAgeMinutes=60')).body.escalations).not.toContainEqual(expect.objectContaining({ id: escalationId }));

    const [first, second] = await Promise.all([
      call('POST', `/api/escalations/${escalationId}/decision`, { action: 'approve', reviewer: 'ana' }),
      call('POST', `/api/escalations/${escalationId}/decision`, { action: 'edit', reviewer: 'bob', answer: 'Bob says hello.' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.error).toMatchObject({ code: 'already_decided' });
    const winner = first.status === 202 ? 'ana' : 'bob';

    const finished = await waitForEvent(conversationId, 'turn-finished');
    const result = finished.payload.result as TurnResult;
    expect(result).toMatchObject({ status: 'completed', escalated: true, escalationId });
    if (winner === 'bob') expect(result.answer).toBe('Bob says hello.');

    const decided = await call('GET', `/api/escalations/${escalationId}`);
    expect(decided.body).toMatchObject({ status: winner === 'ana' ? 'approved' : 'edited', reviewer: winner });
    expect(decided.body.audit).toContainEqual(expect.objectContaining({ actor: winner, action: `review.${String(decided.body.status)}`, subjectId: escalationId }));

    const late = await call('POST', `/api/escalations/${escalationId}/decision`, { action: 'approve', reviewer: 'carol' });
    expect(late.status).toBe(409);
    expect(String((late.body.error as { message: string }).message)).toContain(`by ${winner}`);

    // The reviewed answer becomes a curated answer that retrieval finds for a similar question.
    const hits = await pipeline.store.searchKnowledge({ tenantId: 'default', query: 'download invoice human', limit: 20 });
    expect(hits.map((hit) => hit.documentId)).toContain(`curated:${escalationId}`);

    // Reviewers follow the tenant's feed: created, then resolved.
    const feed = (await pipeline.eventLog.read(reviewerFeedId('default'), 0)).filter((event) => event.payload.escalationId === escalationId);
    expect(feed.map((event) => event.type)).toEqual(['escalation-created', 'escalation-resolved']);
    expect(feed[0]?.payload.conversationId).toBe(conversationId);

    const stats = await call('GET', '/api/analytics/escalations?days=1');
    expect(stats.body.escalated).toBeGreaterThanOrEqual(1);
    expect(stats.body.reasons).toContainEqual(expect.objectContaining({ reason: queued?.reason }));
    expect((stats.body.timeToDecisionMs as { p50: number | null }).p50).toBeGreaterThan(0);

    // The dashboard's daily series and the conversation list include this conversation.
    const overview = await call('GET', '/api/analytics/overview?days=1');
    const today = (overview.body.series as { date: string; turns: number; escalated: number; conversations: number; latencyP95Ms: number | null }[]).at(-1);
    expect(today?.date).toBe(new Date().toISOString().slice(0, 10));
    expect(today?.escalated).toBeGreaterThanOrEqual(1);
    expect(today?.latencyP95Ms).toBeGreaterThan(0);
    const listed = await call('GET', '/api/conversations?limit=50');
    expect((listed.body.conversations as { id: string }[]).map((conversation) => conversation.id)).toContain(conversationId);
    expect((await call('GET', '/api/conversations?limit=0')).status).toBe(400);
  });

  it('rejects malformed decisions and unknown escalations with clear errors', async () => {
    expect((await call('POST', '/api/escalations/nope.1.review/decision', { action: 'approve', reviewer: 'ana' })).status).toBe(404);
    const invalid = await call('POST', '/api/escalations/x.1.review/decision', { action: 'edit', reviewer: 'ana' });
    expect(invalid.status).toBe(400);
    expect(String((invalid.body.error as { message: string }).message)).toContain('answer');
    expect((await call('GET', '/api/escalations?status=lost')).status).toBe(400);
  });

  it('reassigns, hands over on reject, carries human replies, and releases the conversation back to the assistant', async () => {
    const { conversationId, escalationId } = await escalate('Please connect me to a real person about SSO');
    expect((await call('POST', `/api/escalations/${escalationId}/decision`, { action: 'reassign', reviewer: 'ana', assignee: 'team:technical' })).status).toBe(202);
    await waitForEvent(conversationId, 'escalation-assigned');
    const reassigned = await call('GET', `/api/escalations/${escalationId}`);
    expect(reassigned.body).toMatchObject({ status: 'pending', team: 'technical' });
    expect(reassigned.body.audit).toContainEqual(expect.objectContaining({ action: 'review.reassign', actor: 'ana' }));

    expect((await call('POST', `/api/escalations/${escalationId}/decision`, { action: 'reject', reviewer: 'tom', handover: true })).status).toBe(202);
    const finished = await waitForEvent(conversationId, 'turn-finished');
    expect((finished.payload.result as TurnResult).answer).toBe(HANDOVER_ANSWER);
    await vi.waitFor(async () => expect((await call('GET', `/api/conversations/${conversationId}/state`)).body.status).toBe('human_takeover'), { timeout: 15_000 });
    await vi.waitFor(async () => expect((await pipeline.store.getConversation(conversationId))?.conversation.status).toBe('human_takeover'), { timeout: 15_000 });

    // While a person has the conversation, the customer's messages go to them; the assistant stays quiet.
    const forwarded = await call('POST', '/api/chat?wait=true', { message: 'Hello? Anyone?', conversationId });
    expect(forwarded.status).toBe(202);
    expect(forwarded.body).toMatchObject({ conversationId, forwardedToPerson: true, messageId: `${conversationId}.customer-1` });
    expect((await waitForEvent(conversationId, 'customer-message')).payload.text).toBe('Hello? Anyone?');
    const reply = await call('POST', `/api/conversations/${conversationId}/messages`, { agent: 'tom', message: 'Hi, Tom from security here.' });
    expect(reply.status).toBe(201);
    const streamed = await waitForEvent(conversationId, 'human-message');
    expect(streamed.payload).toMatchObject({ agent: 'tom', text: 'Hi, Tom from security here.', messageId: reply.body.messageId });
    const stored = await pipeline.store.getConversation(conversationId);
    expect(stored?.messages.filter((message) => message.role === 'human_agent').map((message) => message.content)).toEqual(['Hi, Tom from security here.']);
    expect(stored?.messages.filter((message) => message.role === 'user').map((message) => message.content)).toContain('Hello? Anyone?');
    expect((await call('POST', `/api/conversations/${conversationId}/messages`, { agent: 'tom', message: '  ' })).status).toBe(400);

    expect((await call('POST', `/api/conversations/${conversationId}/release`, { agent: 'tom' })).status).toBe(202);
    await vi.waitFor(async () => expect((await pipeline.store.getConversation(conversationId))?.conversation.status).toBe('active'), { timeout: 15_000 });
    const answered = await call('POST', '/api/chat?wait=true', { message: 'How do I rotate an API key?', conversationId });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'completed', escalated: false });
  });
});
