import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RetrainRouterResult } from '../activities/routing/retrain.js';
import { SEED_CATALOG } from '../activities/agents/catalog.js';
import { trainingVersion } from '../activities/routing/classifier.js';
import { catalogTrainingExamples } from '../activities/routing/training-data.js';
import { conversationWorkflowId, DEFAULT_TENANT_ID } from '../domain/constants.js';
import { startTestPipeline, type TestPipeline } from '../test-support/pipeline.js';
import { sendMessage } from './messages.js';

/** The catalog-only model sends this to billing-expert (p≈0.76); a reviewer confirmed data-analytics. */
const CONFIRMED_QUESTION = 'Our quarterly board pack needs the churn cohort numbers split by plan';
const tenantId = DEFAULT_TENANT_ID;
const catalogOnlyVersion = trainingVersion(catalogTrainingExamples(SEED_CATALOG));

let pipeline: TestPipeline;
beforeAll(async () => {
  pipeline = await startTestPipeline();
});
afterAll(async () => {
  await pipeline.close();
});

const retrain = (): Promise<RetrainRouterResult> =>
  pipeline.client.workflow.execute('retrainRouterWorkflow', { taskQueue: pipeline.taskQueue, workflowId: `retrain-${randomUUID()}`, args: [{ tenantId }] });

/** A reviewer approved (or edited) the answer of an escalated turn routed to `agentId`. */
async function confirmEscalation(question: string, agentId: string, status: 'approved' | 'edited'): Promise<void> {
  const conversationId = randomUUID();
  const id = randomUUID();
  await pipeline.store.ensureConversation({ id: conversationId, tenantId, customerId: null });
  await pipeline.store.createEscalation({ id, conversationId, turnId: randomUUID(), reason: 'low confidence', draftAnswer: 'draft', tenantId, question, agents: [agentId] });
  await pipeline.store.resolveEscalation({ id, status, reviewer: 'reviewer@example.com', finalAnswer: 'final answer' });
}

describe('retrainRouterWorkflow', () => {
  it('stores a new current version with the confirmed turns, and is a no-op when nothing new was confirmed', async () => {
    const baseline = await retrain();
    expect(baseline).toMatchObject({ version: catalogOnlyVersion, confirmed: 0, changed: true });

    await confirmEscalation(CONFIRMED_QUESTION, 'data-analytics', 'approved');
    await confirmEscalation('Can the SSO login page show our logo', 'security-expert', 'edited');
    await confirmEscalation('A retired agent confirmed earlier', 'no-longer-in-the-catalog', 'approved');
    const retrained = await retrain();
    expect(retrained).toMatchObject({ confirmed: 2, examples: baseline.examples + 2, changed: true });
    expect(retrained.version).not.toBe(baseline.version);
    const stored = await pipeline.store.loadCurrentRoutingModel(tenantId);
    expect(stored).toMatchObject({ version: retrained.version, confirmedCount: 2, exampleCount: retrained.examples, isCurrent: true });

    expect(await retrain()).toEqual({ ...retrained, changed: false });
  });

  it('routes later turns with the stored current model (routerVersion)', async () => {
    const current = await pipeline.store.currentRoutingModelVersion(tenantId);
    expect(current).not.toBeNull();
    expect(current).not.toBe(catalogOnlyVersion);

    const conversationId = randomUUID();
    const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
      workflowId: conversationWorkflowId(conversationId),
      taskQueue: pipeline.taskQueue,
      args: [{ conversationId, tenantId, customerId: null }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const accepted = await pipeline.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: CONFIRMED_QUESTION }], startWorkflowOperation });
    // The accepted update does not wait for the child turn to start: wait for the stored turn instead.
    await vi.waitFor(async () => expect((await pipeline.store.getTurn(accepted.turnId))?.status).toMatch(/completed|awaiting_review/), { timeout: 30_000, interval: 200 });
    const turn = await pipeline.store.getTurn(accepted.turnId);
    expect(turn?.route).toMatchObject({ strategy: 'classifier', routerVersion: current });
    expect(turn?.route?.agents[0]?.agentId).toBe('data-analytics');
    await pipeline.client.workflow.getHandle(conversationWorkflowId(conversationId)).terminate('test finished');
  });

  it('trains from the catalog as edited through the API: a new example question retrains, a disabled agent drops out', async () => {
    const before = await retrain();
    const analytics = await pipeline.store.getAgent('data-analytics');
    if (analytics === null) throw new Error('data-analytics is not seeded');
    const edited = { ...analytics.definition, exampleQuestions: [...analytics.definition.exampleQuestions, 'Which cohort churned most after the pricing change?'] };
    await pipeline.store.saveAgentVersion({ definition: edited, editedBy: 'admin' });
    const afterEdit = await retrain();
    expect(afterEdit).toMatchObject({ changed: true, examples: before.examples + 1 });

    await pipeline.store.setAgentEnabled('ux-research-specialist', false);
    const afterDisable = await retrain();
    expect(afterDisable.changed).toBe(true);
    expect(afterDisable.examples).toBeLessThan(afterEdit.examples);
    await pipeline.store.setAgentEnabled('ux-research-specialist', true);
  });
});
