import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineChatModel } from '../llm/offline-model.js';
import { startActivityHarness, type ActivityHarness } from './__fixtures__/activity-harness.js';
import { passage } from './__fixtures__/findings.js';
import { ScriptedChatModel } from './__fixtures__/scripted-chat-model.js';
import { AGENT_CATALOG, findAgent } from './catalog.js';
import { humanNeedOf, matchedEscalation } from './agent-finding.js';
import { createAgentActivities, findingOf, readAgentOutput, type RunAgentInput } from './run-agent.js';

const invoices = passage('invoices#0', 'Invoices are listed under Settings → Billing. You can download each invoice as a PDF from the Invoices tab.');
const webhooks = passage('webhooks#0', 'Webhooks are retried for up to 24 hours with exponential backoff.');
const passages = [webhooks, invoices];

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness?.close();
});

async function inputOf(question: string): Promise<RunAgentInput> {
  return { ...(await harness.newTurn()), agentId: 'billing-expert', question, passages, history: [] };
}

describe('runAgent with the offline model', () => {
  it('returns claims cited by given passage ids, a draft in its voice, confidence and metrics', async () => {
    const input = await inputOf('How do I download an invoice?');
    const finding = await createAgentActivities(harness.dependencies(new OfflineChatModel())).runAgent(input);
    expect(finding.claims).toEqual([{ text: 'You can download each invoice as a PDF from the Invoices tab.', passageIds: ['invoices#0'] }]);
    expect(finding.passages).toEqual([invoices]);
    expect(finding.draft).toBe('Billing Expert: You can download each invoice as a PDF from the Invoices tab. [1]');
    expect(finding).toMatchObject({ agentId: 'billing-expert', round: 1, needsHuman: false, needsHumanReason: null, confidence: 1 });
    expect(finding.metrics).toMatchObject({
      inputTokens: finding.llmCall.usage.inputTokens,
      outputTokens: finding.llmCall.usage.outputTokens,
      costUsd: 0,
      confidence: 1,
      claims: 1,
      needsHuman: false,
    });
    expect(finding.metrics.latencyMs).toBeGreaterThanOrEqual(finding.llmCall.latencyMs);
    const events = await harness.events(input.conversationId);
    expect(events.map((event) => event.type)).toEqual(['stage-started', 'agent-started', 'agent-finished']);
    expect(events[2]?.payload).toMatchObject({ agentId: 'billing-expert', claims: 1, needsHuman: false, structured: false });
  });

  it('does not ask for a human when nothing it was given answers the question (the answer says so)', async () => {
    const finding = await createAgentActivities(harness.dependencies(new OfflineChatModel())).runAgent(await inputOf('What is your office address in Lisbon?'));
    expect(finding).toMatchObject({ claims: [], passages: [], confidence: 0, needsHuman: false, needsHumanReason: null });
    expect(finding.draft).toBe('Billing Expert: nothing in the retrieved sources answers this, so I would not guess.');
  });
});

describe('runAgent with a real model (structured output)', () => {
  it('asks for JSON and maps document numbers to passage ids, dropping uncited claims and invented numbers', async () => {
    const model = new ScriptedChatModel([
      JSON.stringify({
        claims: [
          { text: 'Invoices are under Settings → Billing.', citations: [2] },
          { text: 'Each invoice downloads as a PDF.', citations: [2, 9] },
          { text: 'An unsupported guess.', citations: [7] },
        ],
        draft: 'Open Settings → Billing and download the PDF [2].',
        confidence: 0.6,
        needsHuman: true,
        needsHumanReason: 'the customer mentions a chargeback',
      }),
    ]);
    const finding = await createAgentActivities(harness.dependencies(model)).runAgent(await inputOf('How do I download an invoice?'));
    expect(model.requests[0]?.responseFormat).toMatchObject({ type: 'json', name: 'agent_finding', schema: { type: 'object' } });
    expect(finding.claims).toEqual([
      { text: 'Invoices are under Settings → Billing.', passageIds: ['invoices#0'] },
      { text: 'Each invoice downloads as a PDF.', passageIds: ['invoices#0'] },
    ]);
    // The draft's markers count in the finding's own passages; the model's estimate caps the confidence.
    expect(finding.draft).toBe('Open Settings → Billing and download the PDF [1].');
    expect(finding).toMatchObject({ confidence: 0.6, needsHuman: true, needsHumanReason: 'the customer mentions a chargeback' });
    expect(finding.llmCall).toMatchObject({ provider: 'scripted', costUsd: 0.0012 });
    expect(finding.metrics).toMatchObject({ inputTokens: 100, outputTokens: 20, costUsd: 0.0012, claims: 2, needsHuman: true });
  });

  it('falls back to cited sentences when the reply is not valid JSON for the schema', async () => {
    const model = new ScriptedChatModel(['You can download each invoice as a PDF. [2] Webhooks retry for a day. [1]', '{"claims": "not a list"}']);
    const activities = createAgentActivities(harness.dependencies(model));
    const prose = await activities.runAgent(await inputOf('How do I download an invoice?'));
    expect(prose.claims).toEqual([
      { text: 'You can download each invoice as a PDF.', passageIds: ['invoices#0'] },
      { text: 'Webhooks retry for a day.', passageIds: ['webhooks#0'] },
    ]);
    expect(prose.draft).toBe('Billing Expert: You can download each invoice as a PDF. [2] Webhooks retry for a day. [1]');
    const wrongShape = await activities.runAgent(await inputOf('How do I download an invoice?'));
    expect(wrongShape).toMatchObject({ claims: [], needsHuman: false });
  });

  it('fails loudly when the fake model has no canned answer left', async () => {
    const activities = createAgentActivities(harness.dependencies(new ScriptedChatModel([])));
    await expect(activities.runAgent(await inputOf('How do I download an invoice?'))).rejects.toThrow(/no canned reply left for request #1 \(agent\)/);
  });
});

describe('human need', () => {
  const leaked = { topic: 'leaked-credentials', description: 'A human must confirm revocation.', patterns: ['\\b(?:leak(?:ed)?|exposed)\\b.{0,40}\\b(?:api key|token|secret)s?\\b'] };
  const chargeback = { topic: 'chargeback', description: 'Disputed payments go to finance.' };

  it('matches an escalation rule by its patterns, or by its topic words when it has none', () => {
    expect(matchedEscalation('I accidentally EXPOSED my API key on GitHub', [chargeback, leaked])).toBe(leaked);
    expect(matchedEscalation('My bank opened a chargeback on the invoice', [chargeback, leaked])).toBe(chargeback);
    expect(matchedEscalation('How do I rotate an API key?', [chargeback, leaked])).toBeNull();
    expect(matchedEscalation('leaked token', [{ ...leaked, patterns: ['(unclosed'] }])).toBeNull();
  });

  it('puts an escalation rule first, then missing and thin evidence, then the model\'s own call', () => {
    const claims = [{ text: 'Invoices are under Settings.', passageIds: ['invoices#0'] }];
    expect(humanNeedOf({ question: 'chargeback on my invoice', claims, confidence: 0.9, rules: [chargeback] })).toBe('escalation rule "chargeback": Disputed payments go to finance.');
    expect(humanNeedOf({ question: 'invoice', claims: [], confidence: 0, rules: [] })).toBeNull();
    expect(humanNeedOf({ question: 'invoice', claims, confidence: 0.2, rules: [] })).toBe('evidence is thin: the claims cover 20% of the question');
    expect(humanNeedOf({ question: 'invoice', claims, confidence: 0.8, rules: [], modelReason: 'angry customer' })).toBe('angry customer');
    expect(humanNeedOf({ question: 'invoice', claims, confidence: 0.8, rules: [] })).toBeNull();
  });

  it('marks a finding whose agent has a matching escalation rule', async () => {
    const input = await inputOf('Can I get a chargeback refund for my invoice?');
    const output = readAgentOutput({ text: 'You can download each invoice as a PDF. [2]', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', provider: 'offline', modelId: 'offline' }, passages, false);
    const llmCall = { purpose: 'agent', provider: 'offline', modelId: 'offline', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, latencyMs: 1, attempt: 1 };
    const finding = findingOf(input, { id: 'billing-expert', name: 'Billing Expert', escalationRules: [chargeback] }, output, { llmCall, latencyMs: 2, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(finding).toMatchObject({ needsHuman: true, needsHumanReason: 'escalation rule "chargeback": Disputed payments go to finance.', metrics: { latencyMs: 2, needsHuman: true } });
  });

  it('applies the catalog\'s own escalation rules in runAgent', async () => {
    const input = { ...(await inputOf('I leaked my API key in a public repo, how do I rotate it?')), agentId: 'integration-specialist' };
    const finding = await createAgentActivities(harness.dependencies(new OfflineChatModel())).runAgent(input);
    expect(finding.needsHuman).toBe(true);
    expect(finding.needsHumanReason).toMatch(/^escalation rule "leaked-credentials": /);
  });
});

describe('runAgent with the versioned catalog', () => {
  it('runs with the stored version the router chose, falls back to the file for an absent version, and records the run', async () => {
    const dependencies = harness.dependencies(new OfflineChatModel());
    const { store } = dependencies;
    await store.seedAgents(AGENT_CATALOG);
    const file = findAgent('billing-expert')!;
    const current = (await store.getAgent('billing-expert'))!;
    const edited = await store.saveAgentVersion({ definition: { ...file, name: 'Invoice Wizard' }, editedBy: 'test', expectedVersion: current.version });
    const activities = createAgentActivities(dependencies);

    const input = { ...(await inputOf('How do I download an invoice?')), agentVersion: edited.version };
    const finding = await activities.runAgent(input);
    expect(finding.draft).toMatch(/^Invoice Wizard: /);
    expect(finding.agentVersion).toBe(edited.version);
    const started = (await harness.events(input.conversationId)).find((event) => event.type === 'agent-started');
    expect(started?.payload).toEqual({ agentId: 'billing-expert', name: 'Invoice Wizard', version: edited.version });

    const missing = await activities.runAgent({ ...(await inputOf('How do I download an invoice?')), agentVersion: 999 });
    expect(missing.draft).toMatch(/^Billing Expert: /);
    expect(missing.agentVersion).toBeUndefined();

    const metrics = await store.agentMetrics({ since: new Date(Date.now() - 60_000).toISOString(), tenantId: 'tenant-a' });
    expect(metrics.find((row) => row.agentId === 'billing-expert')?.invocations).toBeGreaterThanOrEqual(2);
  });
});
