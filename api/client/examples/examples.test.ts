/**
 * The client examples run against a real API and worker (PostgreSQL, Temporal dev server, offline model):
 * what the README promises integrators works as written.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../../test-support/api-harness.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { AgentCraftApiError, AgentCraftClient } from '../agentcraft-client.js';
import { chatAndFollow } from './chat-and-follow.js';
import { reviewQueue } from './review-queue.js';
import { startConversationWithTemporal } from './temporal-direct.js';

let database: TestDatabase;
let harness: ApiHarness;
let client: AgentCraftClient;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startApiHarness({ pipeline: { databaseUrl: database.url, settings: { reviewTimeoutMs: 10 * 60_000 } } });
  client = new AgentCraftClient({ baseUrl: harness.baseUrl });
});

afterAll(async () => {
  await harness?.close();
  await database?.drop();
});

describe('client examples', () => {
  it('chat-and-follow: two answered turns, every event of the log seen exactly once across the resumed subscriptions', async () => {
    const result = await chatAndFollow({ baseUrl: harness.baseUrl });
    expect(result.answers).toHaveLength(2);
    for (const answer of result.answers) expect(answer.length).toBeGreaterThan(20);
    const log = await harness.pipeline.eventLog.read(result.conversationId, 0);
    const seenThrough = log.filter((event) => event.seq <= result.lastSeq).map((event) => event.type);
    expect(result.eventTypes).toEqual(seenThrough);
    expect(result.eventTypes.filter((type) => type === 'turn-started')).toHaveLength(2);
    expect(result.eventTypes.filter((type) => type === 'turn-finished')).toHaveLength(2);
  });

  it('followEvents resumes from fromSeq: events after the offset only, in order', async () => {
    const turn = await client.chat({ message: 'What payment methods do you accept?' });
    const result = await client.waitForTurn(turn.conversationId, turn.turnId);
    expect(result.status).toBe('completed');
    const log = await harness.pipeline.eventLog.read(turn.conversationId, 0);
    const middle = log[Math.floor(log.length / 2)]!.seq;
    const resumed = [];
    for await (const event of client.followEvents(turn.conversationId, { fromSeq: middle, signal: AbortSignal.timeout(30_000) })) {
      resumed.push(event.seq);
      if (event.seq === log.at(-1)!.seq) break;
    }
    expect(resumed).toEqual(log.filter((event) => event.seq > middle).map((event) => event.seq));
  });

  it('review-queue: decides a pending escalation, and the waiting turn then finishes with the approved answer', async () => {
    const turn = await client.chat({ message: 'Can I talk to a human about my refund?' });
    await vi.waitFor(async () => {
      const { escalations } = await client.listEscalations({ status: 'pending' });
      expect(escalations.some((escalation) => escalation.turnId === turn.turnId)).toBe(true);
    }, { timeout: 30_000, interval: 200 });
    const decided = await reviewQueue({ baseUrl: harness.baseUrl, reviewer: 'example-reviewer' });
    expect(decided.decided.map((decision) => decision.action)).toContain('approve');
    const result = await client.waitForTurn(turn.conversationId, turn.turnId);
    expect(result).toMatchObject({ status: 'completed', escalated: true });
    expect((await client.listEscalations({ status: 'pending' })).escalations.filter((escalation) => escalation.turnId === turn.turnId)).toEqual([]);
  });

  it('temporal-direct: update-with-start of conversationWorkflow answers, and the REST API sees the conversation', async () => {
    const result = await startConversationWithTemporal({ client: harness.pipeline.client, taskQueue: harness.pipeline.taskQueue, message: 'How do I reset my password?' });
    expect(result.accepted).toMatchObject({ turnNumber: 1, turnWorkflowId: expect.stringContaining(result.conversationId) as unknown });
    expect(result.result.status).toBe('completed');
    expect(result.result.answer.length).toBeGreaterThan(20);
    const stored = await client.getConversation(result.conversationId);
    expect(stored.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
  });

  it('errors carry the API code and request id', async () => {
    const error = await client.sendMessage('no-such-conversation', 'hello?').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AgentCraftApiError);
    expect(error).toMatchObject({ status: 404, code: 'conversation_not_found', requestId: expect.any(String) as unknown });
  });
});
