import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../activities/llm/chat-model.js';
import { OfflineChatModel } from '../activities/llm/offline-model.js';
import { FAILED_TURN_ANSWER } from '../activities/turn/turn-lifecycle.js';
import { conversationWorkflowId } from '../domain/constants.js';
import type { ConversationEvent, TurnResult } from '../domain/types.js';
import { startTestPipeline, type TestPipeline, type TestPipelineOptions } from '../test-support/pipeline.js';
import { getTurnState, reviewDecision, sendMessage, submitReviewDecision, type ReviewDecision } from './messages.js';
import { REVIEW_TIMEOUT_ANSWER } from './turn-helpers.js';

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

async function start(options: TestPipelineOptions = {}): Promise<TestPipeline> {
  pipeline = await startTestPipeline(options);
  return pipeline;
}

async function ask(active: TestPipeline, message: string) {
  const conversationId = randomUUID();
  const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
    workflowId: conversationWorkflowId(conversationId),
    taskQueue: active.taskQueue,
    args: [{ conversationId, tenantId: 'default', customerId: null }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const accepted = await active.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message }], startWorkflowOperation });
  return { conversationId, ...accepted, handle: active.client.workflow.getHandle(conversationWorkflowId(conversationId)) };
}

async function waitForEvent(active: TestPipeline, conversationId: string, type: ConversationEvent['type']): Promise<ConversationEvent> {
  let found: ConversationEvent | undefined;
  await vi.waitFor(
    async () => {
      found = (await active.eventLog.read(conversationId, 0)).find((event) => event.type === type);
      expect(found).toBeDefined();
    },
    { timeout: 30_000, interval: 100 },
  );
  return found!;
}

/** Fails the first `failures` stream calls with a retryable error, then behaves like the offline model. */
class FlakyStreamModel implements ChatModel {
  readonly provider = 'offline';
  readonly modelId = 'offline-extractive-v1';
  readonly #inner = new OfflineChatModel();
  constructor(private failures: number) {}
  generate(request: ChatRequest): Promise<ChatResult> {
    return this.#inner.generate(request);
  }
  async *stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
    for await (const part of this.#inner.stream(request)) {
      yield part;
      if (part.type === 'text-delta' && this.failures > 0) {
        this.failures -= 1;
        throw new Error('connection reset mid-stream');
      }
    }
  }
}

/** A provider that rejects every request for good. */
class RejectingModel implements ChatModel {
  readonly provider = 'test';
  readonly modelId = 'rejecting';
  generate(): Promise<ChatResult> {
    return Promise.reject(ApplicationFailure.nonRetryable('invalid request: model does not exist', 'ProviderRejected'));
  }
  async *stream(): AsyncIterable<ChatStreamPart> {
    yield* await Promise.reject<ChatStreamPart[]>(ApplicationFailure.nonRetryable('invalid request: model does not exist', 'ProviderRejected'));
  }
}

/** The offline model, except that one specialist's calls are rejected for good (its provider refuses it). */
class OneAgentRejectedModel implements ChatModel {
  readonly provider = 'offline';
  readonly modelId = 'offline-extractive-v1';
  readonly #inner = new OfflineChatModel();
  constructor(private readonly agentName: string) {}
  generate(request: ChatRequest): Promise<ChatResult> {
    if (request.purpose === 'agent' && (request.system ?? '').includes(this.agentName)) {
      return Promise.reject(ApplicationFailure.nonRetryable(`${this.agentName}: model rejected the request`, 'ProviderRejected'));
    }
    return this.#inner.generate(request);
  }
  stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
    return this.#inner.stream(request);
  }
}

describe('turnWorkflow', () => {
  it('answers when one of two parallel specialists fails for good, and the trace shows the failure', async () => {
    const active = await start({ chatModel: new OneAgentRejectedModel('Success Manager') });
    const turn = await ask(active, 'Can I talk to a human about downloading my invoice?');
    const created = await waitForEvent(active, turn.conversationId, 'escalation-created');
    await turn.handle.signal(reviewDecision, { escalationId: String(created.payload.escalationId), action: 'approve', reviewer: 'ana' });
    const result = (await waitForEvent(active, turn.conversationId, 'turn-finished')).payload.result as TurnResult;
    expect(result.status).toBe('completed');
    expect(result.agents.map((agent) => agent.id)).toEqual(['billing-expert']);
    expect(result.citations.length).toBeGreaterThan(0);
    const trace = await active.store.getTurn(turn.turnId);
    expect(trace?.route?.agents.map((agent) => agent.agentId)).toEqual(['success-manager', 'billing-expert']);
    expect(trace?.stages.find((stage) => stage.stage === 'agents')?.status).toBe('degraded');
    const metrics = await active.store.agentMetrics({ since: '2000-01-01T00:00:00.000Z' });
    expect(metrics.find((row) => row.agentId === 'success-manager')).toMatchObject({ failures: 1 });
    expect(metrics.find((row) => row.agentId === 'billing-expert')).toMatchObject({ failures: 0 });
  });

  it('escalates when the customer asks for a person and delivers the draft once a reviewer approves', async () => {
    const active = await start();
    const turn = await ask(active, 'Can I talk to a human about rotating my API key?');
    const created = await waitForEvent(active, turn.conversationId, 'escalation-created');
    const escalationId = String(created.payload.escalationId);
    expect(created.payload.reason).toBe('the customer asked for a person');
    expect((created.payload.result as TurnResult).status).toBe('awaiting_review');
    expect((await active.store.listEscalations({ status: 'pending' })).map((row) => row.id)).toContain(escalationId);
    // The live turn state carries the routing decision with its reasons (the debug console and integrators read it).
    const live = await active.client.workflow.getHandle(turn.turnWorkflowId).query(getTurnState);
    expect(live.status).toBe('awaiting_review');
    expect(live.route?.agents[0]).toMatchObject({ agentId: expect.any(String) as string, reason: expect.stringMatching(/\S/) as string, team: expect.any(String) as string });
    expect(live.route?.wantsHuman).toBe(true);

    const wrong = await turn.handle
      .executeUpdate(submitReviewDecision, { args: [{ escalationId: 'nope', action: 'approve', reviewer: 'ana' }] })
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((wrong as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('NotFound');

    // Signals skip the update's validator: malformed ones (a typo in the action, an edit without text, a
    // reassignment without assignee) are ignored, and the review still waits for a real decision.
    const malformed = [
      { escalationId, action: 'approved', reviewer: 'ana' },
      { escalationId, action: 'edit', reviewer: 'ana' },
      { escalationId, action: 'reassign', reviewer: 'ana' },
    ] as unknown as ReviewDecision[];
    for (const signal of malformed) await turn.handle.signal(reviewDecision, signal);
    expect((await active.client.workflow.getHandle(turn.turnWorkflowId).query(getTurnState)).status).toBe('awaiting_review');
    expect((await active.store.getEscalation(escalationId))?.status).toBe('pending');

    await turn.handle.signal(reviewDecision, { escalationId, action: 'approve', reviewer: 'ana' });
    const finished = await waitForEvent(active, turn.conversationId, 'turn-finished');
    const result = finished.payload.result as TurnResult;
    expect(result).toMatchObject({ status: 'completed', escalated: true, escalationId });
    expect(result.citations.length).toBeGreaterThan(0);
    const escalation = (await active.store.listEscalations({})).find((row) => row.id === escalationId);
    expect(escalation).toMatchObject({ status: 'approved', reviewer: 'ana' });
    const resolved = await waitForEvent(active, turn.conversationId, 'escalation-resolved');
    expect(resolved.seq).toBeLessThan(finished.seq);
  });

  it('sends the reviewer\'s edited text through the validated update', async () => {
    const active = await start();
    const turn = await ask(active, 'Can I speak to a real person about SSO?');
    const escalationId = String((await waitForEvent(active, turn.conversationId, 'escalation-created')).payload.escalationId);
    const invalid = await turn.handle
      .executeUpdate(submitReviewDecision, { args: [{ escalationId, action: 'edit', reviewer: 'ana' }] })
      .catch((error: unknown) => error);
    expect(((invalid as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('InvalidInput');
    expect(await turn.handle.executeUpdate(submitReviewDecision, { args: [{ escalationId, action: 'edit', reviewer: 'ana', answer: 'Our SSO team will call you today.' }] })).toEqual({ accepted: true });
    const result = (await waitForEvent(active, turn.conversationId, 'turn-finished')).payload.result as TurnResult;
    expect(result.answer).toBe('Our SSO team will call you today.');
    const stored = await active.store.getConversation(turn.conversationId);
    expect(stored?.messages.at(-1)?.content).toBe('Our SSO team will call you today.');
  });

  it('falls back to a safe answer when no reviewer decides in time', async () => {
    const active = await start({ settings: { reviewTimeoutMs: 1500 } });
    const turn = await ask(active, 'Please connect me to a human agent');
    const result = (await waitForEvent(active, turn.conversationId, 'turn-finished')).payload.result as TurnResult;
    expect(result.answer).toBe(REVIEW_TIMEOUT_ANSWER);
    expect(result.citations).toEqual([]);
    const escalation = (await active.store.listEscalations({})).find((row) => row.id === result.escalationId);
    expect(escalation?.status).toBe('timed_out');
  });

  it('degrades when the knowledge source fails: the turn still answers, and says it found nothing', async () => {
    const active = await start({
      wrapStore: (store) =>
        new Proxy(store, {
          get(target, property, receiver) {
            if (property === 'searchKnowledge') return () => Promise.reject(new Error('knowledge index unavailable'));
            const value = Reflect.get(target, property, receiver) as unknown;
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        }),
    });
    const turn = await ask(active, 'How do I rotate an API key?');
    const result = (await waitForEvent(active, turn.conversationId, 'turn-finished')).payload.result as TurnResult;
    expect(result.status).toBe('completed');
    expect(result.citations).toEqual([]);
    expect(result.answer).toMatch(/nothing relevant/i);
    const trace = await active.store.getTurn(turn.turnId);
    expect(trace?.retrieval.find((source) => source.source === 'knowledge')).toMatchObject({ status: 'failed', detail: 'knowledge index unavailable' });
    expect(trace?.stages.find((stage) => stage.stage === 'retrieve')?.status).toBe('degraded');
  });

  it('retries a synthesis that broke mid-stream and tells subscribers to drop the partial text', async () => {
    const active = await start({ chatModel: new FlakyStreamModel(1) });
    const turn = await ask(active, 'How do I download an invoice?');
    const finished = await waitForEvent(active, turn.conversationId, 'turn-finished');
    const events = (await active.eventLog.read(turn.conversationId, 0)).filter((event) => event.turnId === turn.turnId);
    const reset = events.find((event) => event.type === 'stream-reset');
    expect(reset?.payload.attempt).toBe(2);
    const afterReset = events.filter((event) => event.type === 'token-delta' && event.seq > reset!.seq).map((event) => String(event.payload.text)).join('');
    const result = finished.payload.result as TurnResult;
    expect(result.status).toBe('completed');
    // The text streamed after the reset is the whole draft the QA stage received (markers renumbered).
    expect(afterReset.replace(/\[\d+\]/g, '').replace(/\s+/g, ' ').trim()).toBe(result.answer.replace(/\[\d+\]/g, '').replace(/\s+/g, ' ').trim());
    const trace = await active.store.getTurn(turn.turnId);
    expect(trace?.llmCalls.find((call) => call.purpose === 'synthesize')?.attempt).toBe(2);
  });

  it('fails a turn whose every agent is rejected for good with an apology, exactly once', async () => {
    const active = await start({ chatModel: new RejectingModel() });
    const turn = await ask(active, 'How do I rotate an API key?');
    const finished = await waitForEvent(active, turn.conversationId, 'turn-finished');
    expect((finished.payload.result as TurnResult)).toMatchObject({ status: 'failed', answer: FAILED_TURN_ANSWER });
    expect(finished.payload.error).toBe('invalid request: model does not exist');
    const stored = await active.store.getConversation(turn.conversationId);
    expect(stored?.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(stored?.turns[0]?.status).toBe('failed');
    expect(stored?.turns[0]?.stages.find((stage) => stage.stage === 'agents')?.status).toBe('failed');
    const finishedCount = (await active.eventLog.read(turn.conversationId, 0)).filter((event) => event.type === 'turn-finished').length;
    expect(finishedCount).toBe(1);
  });
});
