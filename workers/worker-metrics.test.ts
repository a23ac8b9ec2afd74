/**
 * The standalone worker's `/metrics` after real turns: a `npm run worker` process whose adaptive router calls
 * OpenAI through the official SDK — pointed at a local server speaking OpenAI's wire protocol — on its own task
 * queue and PostgreSQL database. The scrape must carry the turn, stage, escalation and retrieval series and the
 * router's `agentcraft_llm_*` series, with counts that match the turns' stored traces.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, type KyselyStore } from '../activities/persistence/kysely-store.js';
import { conversationWorkflowId, DEFAULT_TENANT_ID } from '../domain/constants.js';
import type { turnWorkflow } from '../workflows/turn.workflow.js';
import { getState, reviewDecision, sendMessage, type ConversationInput } from '../workflows/messages.js';
import { FakeOpenAI } from '../test-support/fake-providers/fake-openai.js';
import { sse } from '../test-support/fake-providers/fake-provider.js';
import { jsonReply, type RecordedRequest, type ScriptedReply } from '../test-support/fake-providers/scripted-server.js';
import { createTestDatabase } from '../test-support/postgres.js';
import { startProcess, type ManagedProcess } from '../test-support/processes.js';
import { createTestClient, testTemporalAddress, type TestClient } from '../test-support/temporal.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: TestClient;
let store: KyselyStore;
let worker: ManagedProcess;
let openai: FakeOpenAI;
const taskQueue = `worker-metrics-${randomUUID()}`;

/** A sentence of the demo help center's API-key article, so QA finds the answer grounded and no turn waits for review. */
const ANSWER = 'Rotating an API key replaces its secret without downtime: the old secret keeps working during an overlap window, so you can deploy the new secret before the old one stops working. [1]';
const USAGE = { prompt_tokens: 120, completion_tokens: 24, total_tokens: 144 };
const QUESTION = 'How do I rotate an API key?';
const catalog = {
  version: 1,
  models: [
    { id: 'openai/gpt-4.1-mini', provider: 'openai', modelId: 'gpt-4.1-mini', inputUsdPerMillionTokens: 0.4, outputUsdPerMillionTokens: 1.6, contextWindow: 1_000_000, maxOutputTokens: 8000, tier: 'balanced', capabilities: ['json', 'streaming', 'tools'], local: false },
    { id: 'offline/offline-extractive-v1', provider: 'offline', modelId: 'offline-extractive-v1', inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0, contextWindow: 1_000_000, maxOutputTokens: 4096, tier: 'fast', capabilities: ['streaming'], local: true, lastResort: true },
  ],
};

/** OpenAI's chat completions wire format, streamed or whole, whatever the request asked for. */
function openAiReply(request: RecordedRequest): ScriptedReply {
  const body = request.body as { stream?: boolean; model: string };
  const base = { id: 'chatcmpl-metrics', created: 1_700_000_000, model: body.model };
  if (body.stream !== true) {
    return jsonReply(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: ANSWER, refusal: null }, finish_reason: 'stop', logprobs: null }], usage: USAGE });
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sse({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  return {
    type: 'stream',
    contentType: 'text/event-stream',
    chunks: [chunk([{ index: 0, delta: { role: 'assistant', content: ANSWER }, finish_reason: null }]), chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), chunk([], { usage: USAGE }), sse('[DONE]')],
    ending: 'end',
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  openai = await FakeOpenAI.start();
  openai.server.enqueue('POST /v1/chat/completions', ...Array.from({ length: 200 }, () => openAiReply));
  worker = startProcess('workers/worker-main.ts', {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: database.url,
    OPENAI_API_KEY: 'test-openai-key',
    OPENAI_BASE_URL: openai.baseUrl,
    MODEL_CATALOG_JSON: JSON.stringify(catalog),
    AGENTCRAFT_WORKER_HTTP_PORT: '0',
  });
  await worker.waitForOutput(/worker running/, 90_000);
  temporal = await createTestClient();
  store = createStore({ databaseUrl: database.url });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.allSettled([temporal?.close(), store?.close(), openai?.server.close()]);
  await database?.drop();
});

/** Every sample of a metric as `{labels, value}` (labels parsed from the exposition's `{a="b",...}`). */
function samplesOf(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) return [];
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1]!, label[2]!]));
    return [{ labels, value: Number(match[3]) }];
  });
}

const total = (samples: { value: number }[]) => samples.reduce((sum, sample) => sum + sample.value, 0);

async function runTurn(message: string) {
  const conversationId = `metrics-${randomUUID()}`;
  const accepted = await temporal.client.workflow.executeUpdateWithStart(sendMessage, {
    args: [{ message }],
    startWorkflowOperation: new WithStartWorkflowOperation('conversationWorkflow', {
      workflowId: conversationWorkflowId(conversationId),
      taskQueue,
      args: [{ conversationId, tenantId: DEFAULT_TENANT_ID, customerId: 'metrics-customer' } satisfies ConversationInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
  // The update returns before the conversation starts the turn's child workflow.
  const handle = temporal.client.workflow.getHandle<typeof turnWorkflow>(accepted.turnWorkflowId);
  await vi.waitFor(() => handle.describe(), { timeout: 30_000, interval: 100 });
  // QA may send the answer to review (it grades the scripted answer against what retrieval found): approve it.
  const conversation = temporal.client.workflow.getHandle(conversationWorkflowId(conversationId));
  await vi.waitFor(
    async () => {
      if ((await handle.describe()).status.name !== 'RUNNING') return;
      if ((await conversation.query(getState)).status !== 'awaiting_review') throw new Error('turn still running');
      await conversation.signal(reviewDecision, { escalationId: `${accepted.turnId}.review`, action: 'approve', reviewer: 'metrics-test' });
    },
    { timeout: 60_000, interval: 200 },
  );
  const result = await handle.result();
  const turn = (await store.getConversation(conversationId))?.turns[0];
  if (turn === undefined) throw new Error(`turn ${accepted.turnId} is not stored`);
  return { result, turn };
}

describe('worker /metrics', () => {
  it('counts turns, stages, retrieval sources and router attempts as the turns traced them', { timeout: 120_000 }, async () => {
    const turns = [await runTurn(QUESTION), await runTurn(QUESTION)];
    for (const { result } of turns) expect(result.status).toBe('completed');
    const port = Number(/worker http listening on port (\d+)/.exec(worker.output())?.[1]);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();

    // Turns and stages: one count per turn, one observation per stage of each turn.
    const outcomes = turns.map(({ result }) => (result.escalated ? 'escalated' : 'answered'));
    expect(total(samplesOf(text, 'agentcraft_turns_total'))).toBe(2);
    for (const outcome of new Set(outcomes)) {
      expect(total(samplesOf(text, 'agentcraft_turns_total').filter((sample) => sample.labels.outcome === outcome))).toBe(outcomes.filter((value) => value === outcome).length);
    }
    for (const stage of ['route', 'retrieve', 'synthesize', 'qa', 'deliver']) {
      expect(samplesOf(text, 'agentcraft_stage_duration_seconds_count').find((sample) => sample.labels.stage === stage)?.value).toBe(2);
    }
    expect(text).toContain('# TYPE agentcraft_escalations_total counter');

    // Retrieval: per source and status, exactly what the turns' traces recorded.
    const traced = new Map<string, number>();
    for (const { turn } of turns) for (const source of turn.retrieval) traced.set(`${source.source}/${source.status}`, (traced.get(`${source.source}/${source.status}`) ?? 0) + 1);
    const counted = new Map(samplesOf(text, 'agentcraft_retrieval_source_total').map((sample) => [`${sample.labels.source}/${sample.labels.status}`, sample.value]));
    expect(counted).toEqual(traced);
    expect(traced.get('knowledge/ok')).toBe(2);
    const durations = samplesOf(text, 'agentcraft_retrieval_source_duration_seconds_count');
    expect(total(durations.filter((sample) => sample.labels.source === 'knowledge'))).toBe(2);
    expect(text).toContain('# TYPE agentcraft_retrieval_source_duration_seconds histogram');

    // The router's series: each model call the traces record (agents, synthesis) is one successful attempt
    // with its tokens and cost; routing and QA calls (not in the trace) are counted under their purpose.
    const attempts = samplesOf(text, 'agentcraft_llm_attempts_total');
    const tokens = samplesOf(text, 'agentcraft_llm_tokens_total');
    const costs = samplesOf(text, 'agentcraft_llm_cost_usd_total');
    const tracedCalls = turns.flatMap(({ turn }) => turn.llmCalls);
    for (const purpose of ['agent', 'synthesize']) {
      const calls = tracedCalls.filter((call) => call.purpose === purpose);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      const of = <T extends { labels: Record<string, string> }>(samples: T[]) => samples.filter((sample) => sample.labels.purpose === purpose && sample.labels.provider === 'openai' && sample.labels.model === 'gpt-4.1-mini');
      expect(total(of(attempts).filter((sample) => sample.labels.outcome === 'ok'))).toBe(calls.length);
      expect(total(of(tokens).filter((sample) => sample.labels.direction === 'input'))).toBe(calls.reduce((sum, call) => sum + call.usage.inputTokens, 0));
      expect(total(of(tokens).filter((sample) => sample.labels.direction === 'output'))).toBe(calls.reduce((sum, call) => sum + call.usage.outputTokens, 0));
      expect(total(of(costs))).toBeCloseTo(calls.reduce((sum, call) => sum + call.costUsd, 0), 12);
    }
    expect(total(attempts.filter((sample) => sample.labels.purpose === 'route' && sample.labels.outcome === 'ok'))).toBe(2);
    const okAttempts = total(attempts.filter((sample) => sample.labels.outcome === 'ok'));
    expect(total(samplesOf(text, 'agentcraft_llm_attempt_duration_seconds_count'))).toBe(okAttempts);
    expect(total(costs)).toBeGreaterThan(0);
  });
});
