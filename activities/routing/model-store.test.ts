import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { createStore, type KyselyStore } from '../persistence/kysely-store.js';
import type { EscalationStatus } from '../persistence/store.js';
import { trainRouter, type LabelledExample } from './classifier.js';

const EXAMPLES: LabelledExample[] = [
  ...['refund my invoice', 'card charged twice', 'download last invoice'].map((text) => ({ text, agentId: 'billing-expert' })),
  ...['rotate the api key', 'webhook signature invalid', 'api rate limit'].map((text) => ({ text, agentId: 'integration-specialist' })),
  ...['weather tomorrow', 'tell me a joke'].map((text) => ({ text, agentId: null })),
];
const first = trainRouter(EXAMPLES).toJSON();
const second = trainRouter([...EXAMPLES, { text: 'invoice shows the wrong VAT', agentId: 'billing-expert' }]).toJSON();

let store: KyselyStore;
beforeAll(async () => {
  store = createStore({ logger: createLogger({ level: 'silent' }) });
  await store.migrate();
});
afterAll(async () => {
  await store.close();
});

describe('routing model store (PGlite)', () => {
  it('saves a version once per tenant and loads nothing until one is current', async () => {
    const tenantId = randomUUID();
    expect(await store.saveRoutingModel({ tenantId, model: first, exampleCount: 8, confirmedCount: 0 })).toBe(true);
    expect(await store.saveRoutingModel({ tenantId, model: first, exampleCount: 8, confirmedCount: 0 })).toBe(false);
    // The same version for another tenant is another row.
    expect(await store.saveRoutingModel({ tenantId: randomUUID(), model: first, exampleCount: 8, confirmedCount: 0 })).toBe(true);
    expect(await store.loadCurrentRoutingModel(tenantId)).toBeNull();
    expect(await store.currentRoutingModelVersion(tenantId)).toBeNull();
  });

  it('keeps exactly one current model per tenant and loads it back intact', async () => {
    const tenantId = randomUUID();
    await store.saveRoutingModel({ tenantId, model: first, exampleCount: 8, confirmedCount: 0 });
    await store.saveRoutingModel({ tenantId, model: second, exampleCount: 9, confirmedCount: 1 });
    await store.markRoutingModelCurrent({ tenantId, version: first.version });
    expect(await store.currentRoutingModelVersion(tenantId)).toBe(first.version);

    await store.markRoutingModelCurrent({ tenantId, version: second.version });
    await store.markRoutingModelCurrent({ tenantId, version: second.version }); // a retried call is a no-op
    const current = await store.loadCurrentRoutingModel(tenantId);
    expect(current).toMatchObject({ tenantId, version: second.version, trainedAt: second.trainedAt, exampleCount: 9, confirmedCount: 1, isCurrent: true });
    expect(current?.model).toEqual(second);
  });

  it('refuses to make an unknown version current (non-retryable NotFound) and keeps the current one', async () => {
    const tenantId = randomUUID();
    await store.saveRoutingModel({ tenantId, model: first, exampleCount: 8, confirmedCount: 0 });
    await store.markRoutingModelCurrent({ tenantId, version: first.version });
    await expect(store.markRoutingModelCurrent({ tenantId, version: 'sha256-0000000000000000' })).rejects.toMatchObject({ name: 'ApplicationFailure', type: 'NotFound', nonRetryable: true });
    expect(await store.currentRoutingModelVersion(tenantId)).toBe(first.version);
  });

  it('lists approved and edited escalations of the tenant as confirmed turns with their primary agent', async () => {
    const tenantId = randomUUID();
    const conversationId = randomUUID();
    await store.ensureConversation({ id: conversationId, tenantId, customerId: null });
    const escalate = async (question: string, agents: string[], status: EscalationStatus | 'pending', tenant = tenantId): Promise<void> => {
      const id = randomUUID();
      await store.createEscalation({ id, conversationId, turnId: randomUUID(), reason: 'low confidence', draftAnswer: 'draft', tenantId: tenant, question, agents });
      if (status !== 'pending') await store.resolveEscalation({ id, status, reviewer: 'reviewer', finalAnswer: 'final' });
    };
    await escalate('why was I charged twice', ['billing-expert', 'security-expert'], 'approved');
    await escalate('webhook retries stopped', ['integration-specialist'], 'edited');
    await escalate('rejected routing', ['legal-agent'], 'rejected');
    await escalate('still waiting', ['legal-agent'], 'pending');
    await escalate('timed out', ['legal-agent'], 'timed_out');
    await escalate('no agent recorded', [], 'approved');
    await escalate('other tenant', ['sales-ops'], 'approved', randomUUID());

    expect(await store.listConfirmedTurns({ tenantId })).toEqual([
      { question: 'why was I charged twice', agentId: 'billing-expert' },
      { question: 'webhook retries stopped', agentId: 'integration-specialist' },
    ]);
    expect(await store.listConfirmedTurns({ tenantId, limit: 1 })).toHaveLength(1);
  });
});
