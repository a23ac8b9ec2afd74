import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationEvent } from '../domain/types.js';
import { conversationWorkflowId } from '../domain/constants.js';
import { startTestPipeline, type TestPipeline } from '../test-support/pipeline.js';
import type { conversationWorkflow } from './conversation.workflow.js';
import { closeConversation, getState, sendMessage, takeOver, type ConversationInput } from './messages.js';

let pipeline: TestPipeline;

beforeAll(async () => {
  pipeline = await startTestPipeline();
});
afterAll(async () => {
  await pipeline?.close();
});

async function send(conversationId: string, message: string, extra: Partial<ConversationInput> = {}) {
  const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
    workflowId: conversationWorkflowId(conversationId),
    taskQueue: pipeline.taskQueue,
    args: [{ conversationId, tenantId: 'default', customerId: 'customer-1', ...extra } satisfies ConversationInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const accepted = await pipeline.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message }], startWorkflowOperation });
  return accepted;
}

async function runStatuses(conversationId: string): Promise<string[]> {
  const statuses: string[] = [];
  for await (const execution of pipeline.client.workflow.list({ query: `WorkflowId = '${conversationWorkflowId(conversationId)}'` })) {
    statuses.push(execution.status.name);
  }
  return statuses.sort();
}

async function eventsUntilFinished(conversationId: string, turnId: string): Promise<ConversationEvent[]> {
  let events: ConversationEvent[] = [];
  await vi.waitFor(
    async () => {
      events = await pipeline.eventLog.read(conversationId, 0);
      expect(events.some((event) => event.turnId === turnId && event.type === 'turn-finished')).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
  return events.filter((event) => event.turnId === turnId);
}

describe('conversationWorkflow + turnWorkflow', () => {
  it('answers a question through every stage, with citations, streamed events and one stored answer', async () => {
    const conversationId = randomUUID();
    const accepted = await send(conversationId, 'How do I rotate an API key?');
    expect(accepted).toEqual({ turnId: `${conversationId}.1`, turnNumber: 1, turnWorkflowId: `conversation-${conversationId}-turn-1` });

    const events = await eventsUntilFinished(conversationId, accepted.turnId);
    const kinds = events.map((event) => (event.type.startsWith('stage') ? `${event.type}:${String(event.payload.stage)}` : event.type));
    expect(kinds.filter((kind) => kind !== 'token-delta' && !kind.startsWith('agent-'))).toEqual([
      'turn-started',
      'stage-started:route', 'stage-finished:route',
      'stage-started:retrieve', 'stage-finished:retrieve',
      'stage-started:agents', 'stage-finished:agents',
      'stage-started:synthesize', 'stage-finished:synthesize',
      'stage-started:qa', 'stage-finished:qa',
      'stage-started:deliver', 'stage-finished:deliver',
      'turn-finished',
    ]);
    expect(events.map((event) => event.seq)).toEqual([...events.map((event) => event.seq)].sort((a, b) => a - b));
    const streamed = events.filter((event) => event.type === 'token-delta').map((event) => String(event.payload.text)).join('');
    const finished = events.at(-1)!.payload.result as { answer: string; citations: { title: string; index: number }[]; agents: { id: string }[]; status: string };
    expect(finished.status).toBe('completed');
    expect(finished.citations.length).toBeGreaterThan(0);
    expect(finished.citations.some((citation) => /api key/i.test(citation.title))).toBe(true);
    expect(finished.answer).toMatch(/\[1\]/);
    expect(finished.agents.map((agent) => agent.id)).toContain('integration-specialist');
    expect(streamed.length).toBeGreaterThan(0);

    const stored = await pipeline.store.getConversation(conversationId);
    expect(stored?.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(stored?.messages[1]?.content).toBe(finished.answer);
    const turn = await pipeline.store.getTurn(accepted.turnId);
    expect(turn?.status).toBe('completed');
    expect(turn?.stages.map((stage) => stage.stage)).toEqual(['route', 'retrieve', 'agents', 'synthesize', 'qa', 'deliver']);
    expect(turn?.route?.agents.map((agent) => agent.agentId)).toContain('integration-specialist');
    expect(turn?.retrieval.map((source) => [source.source, source.status])).toEqual([['knowledge', 'ok'], ['web', 'disabled'], ['history', 'empty']]);
    expect(turn?.llmCalls.map((call) => call.purpose)).toContain('synthesize');

    // `turn-finished` comes from the turn's last activity, a moment before the conversation records it.
    await vi.waitFor(async () => {
      const state = await pipeline.client.workflow.getHandle(conversationWorkflowId(conversationId)).query(getState);
      expect(state).toMatchObject({ conversationId, status: 'active', turnCount: 1, queuedTurns: 0, activeTurn: null });
      expect(state.lastTurn?.answer).toBe(finished.answer);
    });
  });

  it('serializes turns: the second message runs after the first has finished', async () => {
    const conversationId = randomUUID();
    const first = await send(conversationId, 'How do I download an invoice?');
    const second = await send(conversationId, 'How do I enable SSO with SAML?');
    expect(second.turnNumber).toBe(2);
    await eventsUntilFinished(conversationId, second.turnId);
    const all = await pipeline.eventLog.read(conversationId, 0);
    const firstFinished = all.find((event) => event.turnId === first.turnId && event.type === 'turn-finished')!;
    const secondStarted = all.find((event) => event.turnId === second.turnId && event.type === 'turn-started')!;
    expect(firstFinished.seq).toBeLessThan(secondStarted.seq);
    const stored = await pipeline.store.getConversation(conversationId);
    expect(stored?.messages.map((message) => `${message.turnId}:${message.role}`)).toEqual([
      `${first.turnId}:user`, `${first.turnId}:assistant`, `${second.turnId}:user`, `${second.turnId}:assistant`,
    ]);
  });

  it('continues-as-new after the bounded number of turns and keeps its summary', async () => {
    const conversationId = randomUUID();
    const first = await send(conversationId, 'What plans do you offer?', { maxTurnsPerRun: 1 });
    await eventsUntilFinished(conversationId, first.turnId);
    const handle = pipeline.client.workflow.getHandle(conversationWorkflowId(conversationId));
    // With a bound of one turn per run, the first run continues-as-new right after its turn.
    await vi.waitFor(async () => expect(await runStatuses(conversationId)).toEqual(['CONTINUED_AS_NEW', 'RUNNING']), { timeout: 15_000, interval: 200 });
    const second = await send(conversationId, 'How do I export my data?');
    expect(second.turnNumber).toBe(2);
    await eventsUntilFinished(conversationId, second.turnId);
    await vi.waitFor(async () => expect(await runStatuses(conversationId)).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'RUNNING']), { timeout: 15_000, interval: 200 });
    const state = await handle.query(getState);
    expect(state.turnCount).toBe(2);
    expect(state.lastTurn?.turnId).toBe(second.turnId);
  });

  it('rejects an empty message and messages to a closed conversation in the update validator', async () => {
    const conversationId = randomUUID();
    const first = await send(conversationId, 'How do I rotate an API key?');
    await eventsUntilFinished(conversationId, first.turnId);
    const handle = pipeline.client.workflow.getHandle<typeof conversationWorkflow>(conversationWorkflowId(conversationId));

    const empty = await handle.executeUpdate(sendMessage, { args: [{ message: '   ' }] }).catch((error: unknown) => error);
    expect(empty).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((empty as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect(((empty as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('InvalidInput');

    await handle.signal(closeConversation, { reason: 'done' });
    expect((await handle.result()).status).toBe('closed');
    const closed = await handle.executeUpdate(sendMessage, { args: [{ message: 'one more thing' }] }).catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(WorkflowNotFoundError);
    expect(String(closed)).toMatch(/already completed/i);
    const stored = await pipeline.store.getConversation(conversationId);
    expect(stored?.messages).toHaveLength(2);
  });

  it('is findable by its search attributes, and stops answering once a person takes over', async () => {
    const conversationId = randomUUID();
    const customerId = `customer-${randomUUID()}`;
    const first = await send(conversationId, 'How do I rotate an API key?', { customerId });
    await eventsUntilFinished(conversationId, first.turnId);
    const handle = pipeline.client.workflow.getHandle<typeof conversationWorkflow>(conversationWorkflowId(conversationId));
    await vi.waitFor(
      async () => {
        const found: string[] = [];
        for await (const execution of pipeline.client.workflow.list({ query: `CustomerId = '${customerId}' AND ConversationStatus = 'active' AND AgentsUsed = 'integration-specialist'` })) {
          found.push(execution.workflowId);
        }
        expect(found).toEqual([conversationWorkflowId(conversationId)]);
      },
      { timeout: 15_000, interval: 200 },
    );

    await handle.signal(takeOver, { agent: 'ana' });
    await vi.waitFor(async () => expect((await handle.query(getState)).status).toBe('human_takeover'));
    await vi.waitFor(async () => expect((await pipeline.store.getConversation(conversationId))?.conversation.status).toBe('human_takeover'));
    // The customer can still write: the message goes to the person, and no AI turn runs.
    const forwarded = await handle.executeUpdate(sendMessage, { args: [{ message: 'Are you still there?' }] });
    expect(forwarded).toEqual({ turnId: `${conversationId}.customer-1`, turnNumber: 0, turnWorkflowId: '', forwardedToPerson: true });
    expect((await handle.query(getState)).turnCount).toBe(1);
    expect((await pipeline.store.getConversation(conversationId))?.messages.at(-1)).toMatchObject({ role: 'user', content: 'Are you still there?' });
    expect((await pipeline.eventLog.read(conversationId, 0)).filter((event) => event.type === 'customer-message').map((event) => event.payload.text)).toEqual(['Are you still there?']);
    await handle.signal(closeConversation, {});
    expect((await handle.result()).status).toBe('closed');
    expect((await pipeline.store.getConversation(conversationId))?.conversation.status).toBe('closed');
  });
});
