/**
 * A tenant's daily LLM budget (`AGENTCRAFT_TENANT_BUDGETS`) reached in the middle of a conversation, end to
 * end: a real Temporal worker, the adaptive router over the real OpenAI and Anthropic SDKs pointed at local
 * fakes, and the spend ledger in PostgreSQL. Turn 1 is answered as usual; in turn 2 the budget has no room for
 * the model the agent call wants, so the router degrades to a cheaper one (shipped catalog) or, when no model
 * fits at all, the turn goes to a reviewer (catalog without a cheaper or free model). The tenant never spends
 * more than its limit, and a tenant without a limit is answered normally at the same time.
 *
 * The budget is calibrated, not guessed: an unlimited worker answers the same question once, and the limit is
 * that turn's recorded cost plus the largest price estimate any one of its calls reserved. Turn 1's calls run
 * one after another, so turn 1 never holds more than its own spend plus one estimate: it fits. In turn 2 that
 * same largest call comes after turn 1's whole cost plus turn 2's routing cost: it no longer fits.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conversationWorkflowId } from '../domain/constants.js';
import { loadConfiguration } from '../domain/config.js';
import type { LlmCall, TurnResult } from '../domain/types.js';
import { FakeAnthropic } from '../test-support/fake-providers/fake-anthropic.js';
import { FakeOpenAI } from '../test-support/fake-providers/fake-openai.js';
import { sse } from '../test-support/fake-providers/fake-provider.js';
import { jsonReply, type RecordedRequest, type ScriptedReply } from '../test-support/fake-providers/scripted-server.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../test-support/pipeline.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { reviewDecision, sendMessage } from '../workflows/messages.js';
import { createModelSetup, type ModelSetup } from './model-setup.js';

/** A sentence of the demo help center's API-key article, so the QA stage finds it grounded. */
const ANSWER = 'Rotating an API key replaces its secret without downtime: the old secret keeps working during an overlap window, so you can deploy the new secret before the old one stops working. [1]';
const QUESTION = 'How do I rotate an API key?';
/** What the fake OpenAI reports for every call; with the catalog prices this is each call's recorded cost. */
const USAGE = { prompt_tokens: 120, completion_tokens: 24, total_tokens: 144 };

/** OpenAI's chat completions wire format, streamed or whole, whatever the request asked for. */
function openAiReply(request: RecordedRequest): ScriptedReply {
  const body = request.body as { stream?: boolean; model: string };
  const base = { id: 'chatcmpl-budget', created: 1_700_000_000, model: body.model };
  if (body.stream !== true) {
    return jsonReply(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: ANSWER, refusal: null }, finish_reason: 'stop', logprobs: null }], usage: USAGE });
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sse({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  const chunks = [chunk([{ index: 0, delta: { role: 'assistant', content: ANSWER }, finish_reason: null }]), chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), chunk([], { usage: USAGE }), sse('[DONE]')];
  return { type: 'stream', contentType: 'text/event-stream', chunks, ending: 'end' };
}

/** One row of `model_usage`, as the ledger wrote it. */
interface UsageRow {
  turn_id: string;
  purpose: string;
  provider: string;
  model_id: string;
  status: string;
  estimate_usd: number;
  cost_usd: number;
  reserved_at: Date;
  settled_at: Date | null;
}

let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
let database: TestDatabase;
let sql: pg.Pool;

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([FakeOpenAI.start(), FakeAnthropic.start()]);
  openai.server.enqueue('POST /v1/chat/completions', ...Array.from({ length: 200 }, () => openAiReply));
  database = await createTestDatabase();
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
});

afterAll(async () => {
  await sql?.end();
  await database?.drop();
  await Promise.all([openai?.server.close(), anthropic?.server.close()]);
});

/** A worker whose router is configured from the environment, as `worker-main` does it. */
async function startWorker(extra: Record<string, string>): Promise<{ models: ModelSetup; pipeline: TestPipeline; close(): Promise<void> }> {
  const environment = { OPENAI_API_KEY: 'test-openai-key', OPENAI_BASE_URL: openai.baseUrl, ANTHROPIC_API_KEY: 'test-anthropic-key', ANTHROPIC_BASE_URL: anthropic.baseUrl, DATABASE_URL: database.url, ...extra };
  const models = createModelSetup(loadConfiguration(environment), testLogger, environment);
  const pipeline = await startTestPipeline({ chatModel: models.chatModel, databaseUrl: database.url });
  return {
    models,
    pipeline,
    async close() {
      await pipeline.close();
      await models.close();
    },
  };
}

/** Sends a message (creating the conversation on the first one) and waits for the turn's outcome event. */
async function ask(pipeline: TestPipeline, conversationId: string, tenantId: string): Promise<{ turnId: string; type: string; payload: Record<string, unknown> }> {
  const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
    workflowId: conversationWorkflowId(conversationId),
    taskQueue: pipeline.taskQueue,
    args: [{ conversationId, tenantId, customerId: null }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const { turnId } = await pipeline.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: QUESTION }], startWorkflowOperation });
  return outcomeOf(pipeline, conversationId, turnId, ['turn-finished', 'escalation-created']);
}

/** The first event of the turn among `types` (a failed turn also ends with `turn-finished`, status `failed`). */
async function outcomeOf(pipeline: TestPipeline, conversationId: string, turnId: string, types: string[]): Promise<{ turnId: string; type: string; payload: Record<string, unknown> }> {
  return vi.waitFor(
    async () => {
      const event = (await pipeline.eventLog.read(conversationId, 0)).find((candidate) => candidate.turnId === turnId && types.includes(candidate.type));
      if (event === undefined) throw new Error(`turn ${turnId} has not finished yet`);
      return { turnId, type: event.type, payload: event.payload };
    },
    { timeout: 60_000, interval: 200 },
  );
}

async function usageRows(where: { tenantId: string; turnId?: string }): Promise<UsageRow[]> {
  const result = await sql.query<UsageRow>(
    'select turn_id, purpose, provider, model_id, status, estimate_usd::float8 as estimate_usd, cost_usd::float8 as cost_usd, reserved_at, settled_at from model_usage where tenant_id = $1 and ($2::text is null or turn_id = $2) order by reserved_at',
    [where.tenantId, where.turnId ?? null],
  );
  return result.rows;
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/**
 * Runs one turn for a throwaway tenant on a worker without budgets and derives the daily limit from it (see the
 * module comment); also checks the premise that the turn's calls did not overlap.
 */
async function calibrate(catalog: Record<string, string>): Promise<{ limitUsd: number; turnCostUsd: number }> {
  const tenantId = `calibration-${randomUUID()}`;
  const worker = await startWorker(catalog);
  try {
    const outcome = await ask(worker.pipeline, randomUUID(), tenantId);
    expect(outcome.type).toBe('turn-finished');
  } finally {
    await worker.close();
  }
  const rows = await usageRows({ tenantId });
  expect(rows.length).toBeGreaterThanOrEqual(2);
  for (const [index, row] of rows.entries()) {
    expect(row.status).toBe('recorded');
    const next = rows[index + 1];
    if (next !== undefined) expect(row.settled_at!.getTime()).toBeLessThanOrEqual(next.reserved_at.getTime());
  }
  const turnCostUsd = sum(rows.map((row) => row.cost_usd));
  expect(turnCostUsd).toBeGreaterThan(0);
  return { limitUsd: turnCostUsd + Math.max(...rows.map((row) => row.estimate_usd)), turnCostUsd };
}

const agentCallOf = async (pipeline: TestPipeline, turnId: string): Promise<LlmCall | undefined> =>
  (await pipeline.store.getTurn(turnId))?.llmCalls.find((call) => call.purpose === 'agent');

const isBudgetSkip = (reason: string): boolean => /would exceed the tenant-day budget/.test(reason);

describe('a tenant reaches its daily LLM budget mid-conversation', () => {
  it('degrades to a cheaper model with the shipped catalog; the tenant stays within its limit and another tenant is unaffected', async () => {
    const { limitUsd, turnCostUsd } = await calibrate({});
    const limited = `acme-${randomUUID()}`;
    const unlimited = `globex-${randomUUID()}`;
    const worker = await startWorker({ AGENTCRAFT_TENANT_BUDGETS: JSON.stringify({ [limited]: { tenantDayUsd: limitUsd } }) });
    try {
      const conversationId = randomUUID();
      const first = await ask(worker.pipeline, conversationId, limited);
      expect(first.type).toBe('turn-finished');
      expect((first.payload.result as TurnResult).status).toBe('completed');
      const firstAgent = await agentCallOf(worker.pipeline, first.turnId);
      expect(firstAgent?.attempts?.some((attempt) => isBudgetSkip(attempt.reason))).toBe(false);
      expect(sum((await usageRows({ tenantId: limited, turnId: first.turnId })).map((row) => row.cost_usd))).toBeCloseTo(turnCostUsd, 12);

      const [second, other] = await Promise.all([ask(worker.pipeline, conversationId, limited), ask(worker.pipeline, randomUUID(), unlimited)]);
      expect(second.type).toBe('turn-finished');
      expect((second.payload.result as TurnResult).status).toBe('completed');
      const degraded = await agentCallOf(worker.pipeline, second.turnId);
      const budgetSkips = degraded?.attempts?.filter((attempt) => attempt.outcome === 'skipped' && isBudgetSkip(attempt.reason)) ?? [];
      // The model turn 1's agent call used is among those the budget turned away, and a cheaper one answered.
      expect(budgetSkips.map((attempt) => `${attempt.provider}/${attempt.modelId}`)).toContain(`${firstAgent?.provider}/${firstAgent?.modelId}`);
      expect(degraded?.attempts?.at(-1)?.reason).toMatch(/^degraded: below the required \w+ tier/);
      expect(degraded?.costUsd).toBeLessThan(firstAgent?.costUsd ?? 0);

      const otherAgent = await agentCallOf(worker.pipeline, other.turnId);
      expect(other.type).toBe('turn-finished');
      expect(otherAgent).toMatchObject({ provider: firstAgent?.provider, modelId: firstAgent?.modelId });
      expect(otherAgent?.attempts?.some((attempt) => isBudgetSkip(attempt.reason))).toBe(false);

      const spent = await usageRows({ tenantId: limited });
      expect(spent.every((row) => row.status === 'recorded')).toBe(true);
      expect(sum(spent.map((row) => row.cost_usd))).toBeGreaterThan(turnCostUsd);
      expect(sum(spent.map((row) => row.cost_usd))).toBeLessThanOrEqual(limitUsd);
    } finally {
      await worker.close();
    }
  });

  it('goes to a reviewer, naming the budget, when no model of the catalog fits what is left', async () => {
    // One paid model and no free last resort: nothing to degrade to.
    const onlyModel = { id: 'openai/gpt-4.1', provider: 'openai', modelId: 'gpt-4.1', inputUsdPerMillionTokens: 2, outputUsdPerMillionTokens: 8, contextWindow: 1_047_576, maxOutputTokens: 32_768, tier: 'balanced', capabilities: ['json', 'streaming', 'tools'], local: false };
    const catalog = { MODEL_CATALOG_JSON: JSON.stringify({ version: 1, models: [onlyModel] }) };
    const { limitUsd, turnCostUsd } = await calibrate(catalog);
    const limited = `initech-${randomUUID()}`;
    const unlimited = `umbrella-${randomUUID()}`;
    const worker = await startWorker({ ...catalog, AGENTCRAFT_TENANT_BUDGETS: JSON.stringify({ [limited]: { tenantDayUsd: limitUsd } }) });
    try {
      const conversationId = randomUUID();
      const first = await ask(worker.pipeline, conversationId, limited);
      expect(first.type).toBe('turn-finished');
      expect((first.payload.result as TurnResult).status).toBe('completed');

      const [second, other] = await Promise.all([ask(worker.pipeline, conversationId, limited), ask(worker.pipeline, randomUUID(), unlimited)]);
      expect(second.type).toBe('escalation-created');
      expect(second.payload.reason).toMatch(/^no model answered \(BudgetExceeded\): The tenant-day budget of \$\d/);
      const [escalation] = await worker.pipeline.store.listEscalations({ tenantId: limited, status: 'pending' });
      expect(escalation).toMatchObject({ conversationId, turnId: second.turnId });
      expect(escalation?.reason).toContain('tenant-day budget');
      expect(other.type).toBe('turn-finished');
      expect((other.payload.result as TurnResult).status).toBe('completed');

      // The reviewer answers in the assistant's place; the turn finishes with their text, not as a failure.
      const reply = 'A specialist will send you the key rotation steps here shortly.';
      await worker.pipeline.client.workflow.getHandle(conversationWorkflowId(conversationId)).signal(reviewDecision, { escalationId: escalation!.id, action: 'edit', answer: reply, reviewer: 'reviewer@initech' });
      const finished = await outcomeOf(worker.pipeline, conversationId, second.turnId, ['turn-finished']);
      expect(finished.payload.result).toMatchObject({ answer: reply, escalated: true });
      expect((finished.payload.result as TurnResult).status).not.toBe('failed');

      const spent = await usageRows({ tenantId: limited });
      expect(sum(spent.map((row) => row.cost_usd))).toBeGreaterThan(turnCostUsd);
      expect(sum(spent.map((row) => row.cost_usd))).toBeLessThanOrEqual(limitUsd);
    } finally {
      await worker.close();
    }
  });
});
