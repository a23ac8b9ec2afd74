/**
 * End to end through the adaptive router and the real vendor SDKs: Anthropic answers every request with
 * 529 (overloaded), so each model call of the turn fails over to OpenAI; the turn answers, and its trace
 * shows both attempts of each call. `GET /api/models` then reports Anthropic's trouble.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, type RunningApiServer } from '../api/server.js';
import { conversationWorkflowId } from '../domain/constants.js';
import { loadConfiguration } from '../domain/config.js';
import type { LlmCall, TurnResult } from '../domain/types.js';
import { FakeAnthropic } from '../test-support/fake-providers/fake-anthropic.js';
import { FakeOpenAI } from '../test-support/fake-providers/fake-openai.js';
import { sse } from '../test-support/fake-providers/fake-provider.js';
import { jsonReply, type RecordedRequest, type ScriptedReply } from '../test-support/fake-providers/scripted-server.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../test-support/pipeline.js';
import { sendMessage } from '../workflows/messages.js';
import { createModelSetup, type ModelSetup } from './model-setup.js';

/** A sentence of the demo help center's API-key article, so the QA stage finds it grounded. */
const ANSWER = 'Rotating an API key replaces its secret without downtime: the old secret keeps working during an overlap window, so you can deploy the new secret before the old one stops working. [1]';
const USAGE = { prompt_tokens: 120, completion_tokens: 24, total_tokens: 144 };

/** OpenAI's chat completions wire format, streamed or whole, whatever the request asked for. */
function openAiReply(request: RecordedRequest): ScriptedReply {
  const body = request.body as { stream?: boolean; model: string };
  const base = { id: 'chatcmpl-failover', created: 1_700_000_000, model: body.model };
  if (body.stream !== true) {
    return jsonReply(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: ANSWER, refusal: null }, finish_reason: 'stop', logprobs: null }], usage: USAGE });
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sse({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  return {
    type: 'stream',
    contentType: 'text/event-stream',
    chunks: [
      chunk([{ index: 0, delta: { role: 'assistant', content: ANSWER }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      chunk([], { usage: USAGE }),
      sse('[DONE]'),
    ],
    ending: 'end',
  };
}

const catalog = {
  version: 1,
  models: [
    { id: 'anthropic/claude-haiku-4-5', provider: 'anthropic', modelId: 'claude-haiku-4-5', inputUsdPerMillionTokens: 0.1, outputUsdPerMillionTokens: 0.5, contextWindow: 200_000, maxOutputTokens: 8000, tier: 'balanced', capabilities: ['json', 'streaming', 'tools'], local: false },
    { id: 'openai/gpt-4.1-mini', provider: 'openai', modelId: 'gpt-4.1-mini', inputUsdPerMillionTokens: 0.4, outputUsdPerMillionTokens: 1.6, contextWindow: 1_000_000, maxOutputTokens: 8000, tier: 'balanced', capabilities: ['json', 'streaming', 'tools'], local: false },
    { id: 'offline/offline-extractive-v1', provider: 'offline', modelId: 'offline-extractive-v1', inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0, contextWindow: 1_000_000, maxOutputTokens: 4096, tier: 'fast', capabilities: ['streaming'], local: true, lastResort: true },
  ],
};

let anthropic: FakeAnthropic;
let openai: FakeOpenAI;
let models: ModelSetup;
let pipeline: TestPipeline;
let api: RunningApiServer;

beforeAll(async () => {
  [anthropic, openai] = await Promise.all([FakeAnthropic.start(), FakeOpenAI.start()]);
  for (let index = 0; index < 60; index += 1) anthropic.fail({ kind: 'overloaded' });
  openai.server.enqueue('POST /v1/chat/completions', ...Array.from({ length: 60 }, () => openAiReply));
  const environment = {
    ANTHROPIC_API_KEY: 'test-anthropic-key',
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    OPENAI_API_KEY: 'test-openai-key',
    OPENAI_BASE_URL: openai.baseUrl,
    MODEL_CATALOG_JSON: JSON.stringify(catalog),
  };
  models = createModelSetup(loadConfiguration(environment), testLogger, environment);
  pipeline = await startTestPipeline({ chatModel: models.chatModel });
  api = await startApiServer({ temporal: pipeline.client, store: pipeline.store, eventLog: pipeline.eventLog, models, extraMetrics: [models.metricsRegistry!], configuration: { temporal: { taskQueue: pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000 }, logger: testLogger, port: 0 });
});

afterAll(async () => {
  await api?.close();
  await pipeline?.close();
  await models?.close();
  await Promise.all([anthropic?.server.close(), openai?.server.close()]);
});

describe('provider failover through the router', () => {
  it('answers a turn through OpenAI while Anthropic is overloaded, and records both attempts of each call', async () => {
    expect(models.router).not.toBeNull();
    const conversationId = randomUUID();
    const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
      workflowId: conversationWorkflowId(conversationId),
      taskQueue: pipeline.taskQueue,
      args: [{ conversationId, tenantId: 'default', customerId: null }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const { turnId } = await pipeline.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: 'How do I rotate an API key?' }], startWorkflowOperation });
    let result: TurnResult | undefined;
    await vi.waitFor(
      async () => {
        const finished = (await pipeline.eventLog.read(conversationId, 0)).find((event) => event.type === 'turn-finished' || event.type === 'escalation-created');
        result = finished?.payload.result as TurnResult | undefined;
        expect(result).toBeDefined();
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(result?.status).toBe('completed');
    expect(result?.answer).toContain('replaces its secret without downtime');
    expect(result?.costUsd).toBeGreaterThan(0);

    const trace = await pipeline.store.getTurn(turnId);
    const calls: LlmCall[] = trace?.llmCalls ?? [];
    const agentCall = calls.find((call) => call.purpose === 'agent');
    expect(agentCall).toMatchObject({ provider: 'openai', modelId: 'gpt-4.1-mini' });
    const providersTried = (call: LlmCall | undefined) => (call?.attempts ?? []).map((attempt) => `${attempt.provider}:${attempt.outcome}`);
    // Models the router passed over are listed as skipped with a reason; the tries are the rest.
    expect(providersTried(agentCall).filter((tried) => !tried.endsWith(':skipped'))).toEqual(['anthropic:failed', 'openai:ok']);
    expect(agentCall?.attempts?.filter((attempt) => attempt.outcome === 'skipped').every((attempt) => attempt.reason.length > 0)).toBe(true);
    expect(agentCall?.attempts?.find((attempt) => attempt.provider === 'anthropic')?.reason).toMatch(/529|overloaded/i);
    // The synthesis call fails over too (its Anthropic attempt failed, or was skipped once the breaker opened).
    const synthesis = calls.find((call) => call.purpose === 'synthesize');
    expect(synthesis?.provider).toBe('openai');
    expect(providersTried(synthesis)).toContainEqual(expect.stringMatching(/^anthropic:(failed|skipped)$/));
    expect(providersTried(synthesis).at(-1)).toBe('openai:ok');
    expect(anthropic.server.requestsTo('/v1/messages').length).toBeGreaterThanOrEqual(1);

    const described = (await (await fetch(`http://127.0.0.1:${api.port}/api/models`)).json()) as { router: boolean; models: { provider: string; configured: boolean; health: string }[] };
    expect(described.router).toBe(true);
    expect(described.models.find((model) => model.provider === 'openai')).toMatchObject({ configured: true, health: 'healthy' });
    expect(described.models.find((model) => model.provider === 'anthropic')?.health).not.toBe('healthy');

    // Tokens, cost and attempts by model reach Prometheus.
    const metricsText = await (await fetch(`http://127.0.0.1:${api.port}/metrics`)).text();
    expect(metricsText).toMatch(/agentcraft_llm_cost_usd_total\{[^}]*model="gpt-4.1-mini"[^}]*\} [0-9.e-]+/);
    expect(metricsText).toMatch(/agentcraft_llm_attempts_total\{[^}]*provider="anthropic"[^}]*outcome="failed"[^}]*\} [1-9]/);
    expect(metricsText).toContain('http_request_duration_seconds');
  });
});

describe('a turn no model will answer', () => {
  it('goes to a person instead of failing when the provider refuses on content policy', async () => {
    const refusing = await FakeAnthropic.start();
    for (let index = 0; index < 20; index += 1) refusing.fail({ kind: 'content-policy' });
    const environment = { ANTHROPIC_API_KEY: 'test-anthropic-key', ANTHROPIC_BASE_URL: refusing.baseUrl, MODEL_CATALOG_JSON: JSON.stringify({ version: 1, models: [catalog.models[0], catalog.models[2]] }) };
    const setup = createModelSetup(loadConfiguration(environment), testLogger, environment);
    const refusalPipeline = await startTestPipeline({ chatModel: setup.chatModel });
    try {
      const conversationId = randomUUID();
      const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
        workflowId: conversationWorkflowId(conversationId),
        taskQueue: refusalPipeline.taskQueue,
        args: [{ conversationId, tenantId: 'default', customerId: null }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await refusalPipeline.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: 'How do I rotate an API key?' }], startWorkflowOperation });
      let reason = '';
      await vi.waitFor(
        async () => {
          const created = (await refusalPipeline.eventLog.read(conversationId, 0)).find((event) => event.type === 'escalation-created');
          reason = typeof created?.payload.reason === 'string' ? created.payload.reason : '';
          expect(created).toBeDefined();
        },
        { timeout: 60_000, interval: 200 },
      );
      expect(reason).toMatch(/^no model answered \(ContentPolicy\)/);
      // Content policy is its own path: no blind retry on another model, and no turn-failed apology.
      const events = await refusalPipeline.eventLog.read(conversationId, 0);
      expect(events.some((event) => event.type === 'turn-finished')).toBe(false);
    } finally {
      await refusalPipeline.close();
      await setup.close();
      await refusing.server.close();
    }
  });
});
