import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { createTestDatabase } from '../../test-support/postgres.js';
import type { AgentDefinition } from '../agents/catalog.js';
import { AGENT_CATALOG } from '../agents/catalog.js';
import { createStore, type KyselyStore, type StoreOptions } from './kysely-store.js';

const logger = createLogger({ level: 'silent' });

const targets: { name: string; provision: () => Promise<{ options: StoreOptions; dispose: () => Promise<void> }> }[] = [
  {
    name: 'PostgreSQL',
    provision: async () => {
      const database = await createTestDatabase();
      return { options: { databaseUrl: database.url, logger }, dispose: () => database.drop() };
    },
  },
  { name: 'PGlite in memory', provision: () => Promise.resolve({ options: { logger }, dispose: () => Promise.resolve() }) },
];

/** The catalog entry with a changed description (a new version's worth of change). */
function edited(definition: AgentDefinition, description: string): AgentDefinition {
  return { ...definition, description };
}

describe.each(targets)('agent catalog on $name', (target) => {
  let store: KyselyStore;
  let dispose: () => Promise<void>;
  const billing = AGENT_CATALOG.find((agent) => agent.id === 'billing-expert');
  if (billing === undefined) throw new Error('the catalog has no billing-expert');

  beforeAll(async () => {
    const provisioned = await target.provision();
    dispose = provisioned.dispose;
    store = createStore(provisioned.options);
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  it('seeds every agent once at version 1, and a second seed changes nothing', async () => {
    expect(await store.seedAgents(AGENT_CATALOG)).toEqual({ inserted: AGENT_CATALOG.length, updated: 0, unchanged: 0, keptEdited: 0 });
    expect(await store.seedAgents(AGENT_CATALOG)).toEqual({ inserted: 0, updated: 0, unchanged: AGENT_CATALOG.length, keptEdited: 0 });
    const agents = await store.listAgents();
    expect(agents.map((agent) => agent.id).sort()).toEqual(AGENT_CATALOG.map((agent) => agent.id).sort());
    expect(agents.every((agent) => agent.version === 1 && agent.editedBy === 'seed' && agent.enabled)).toBe(true);
  });

  it('adds a seed version when the repository file changes, and keeps older versions readable', async () => {
    const catalog = AGENT_CATALOG.map((agent) => (agent.id === billing.id ? edited(agent, 'Invoices and refunds (file v2).') : agent));
    const counts = await store.seedAgents(catalog);
    expect(counts).toMatchObject({ updated: 1, unchanged: AGENT_CATALOG.length - 1 });
    expect((await store.getAgent(billing.id))?.version).toBe(2);
    expect((await store.getAgent(billing.id, 1))?.definition.description).toBe(billing.description);
    expect((await store.getAgent(billing.id, 2))?.definition.description).toBe('Invoices and refunds (file v2).');
  });

  it('appends an editor version, refuses a stale edit, and lets the edit win over a later file change', async () => {
    const current = await store.getAgent(billing.id);
    if (current === null) throw new Error('billing-expert missing');
    const saved = await store.saveAgentVersion({ definition: edited(current.definition, 'Edited by an admin.'), editedBy: 'admin-1', note: 'tone', expectedVersion: current.version });
    expect(saved).toMatchObject({ version: current.version + 1, editedBy: 'admin-1' });

    await expect(store.saveAgentVersion({ definition: edited(current.definition, 'Lost update'), editedBy: 'admin-2', expectedVersion: current.version })).rejects.toMatchObject({
      type: 'Conflict',
      nonRetryable: true,
    });
    // Saving the same definition again is not a new version.
    expect((await store.saveAgentVersion({ definition: saved.definition, editedBy: 'admin-1' })).version).toBe(saved.version);

    const fileChange = AGENT_CATALOG.map((agent) => (agent.id === billing.id ? edited(agent, 'File v3') : agent));
    expect(await store.seedAgents(fileChange)).toMatchObject({ keptEdited: 1 });
    expect((await store.getAgent(billing.id))?.definition.description).toBe('Edited by an admin.');
    const versions = await store.listAgentVersions(billing.id);
    expect(versions.map((version) => version.version)).toEqual([3, 2, 1]);
    expect(versions[0]).toMatchObject({ editedBy: 'admin-1', note: 'tone' });
  });

  it('rejects an edit of an unknown agent as NotFound', async () => {
    await expect(store.saveAgentVersion({ definition: { ...billing, id: 'no-such-agent' }, editedBy: 'a' })).rejects.toMatchObject({ type: 'NotFound', nonRetryable: true });
    expect(await store.getAgent('no-such-agent')).toBeNull();
  });

  it('records agent runs idempotently and aggregates them with human overrides', async () => {
    const conversation = await store.ensureConversation({ id: `metrics-${target.name}`, tenantId: 'tenant-a', customerId: null });
    const run = {
      turnId: `${conversation.id}.1`,
      conversationId: conversation.id,
      tenantId: 'tenant-a',
      agentId: billing.id,
      round: 1,
      agentVersion: 1,
      outcome: 'ok' as const,
      latencyMs: 40,
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.002,
      confidence: 0.8,
    };
    await store.recordAgentRuns([run, { ...run, agentId: 'legal-agent', outcome: 'failed', latencyMs: 10, confidence: null }]);
    await store.recordAgentRuns([run]);
    await store.recordAgentRuns([{ ...run, turnId: `${conversation.id}.2`, latencyMs: 60, confidence: 0.6 }]);
    await store.createEscalation({ id: `${conversation.id}.2.review`, conversationId: conversation.id, turnId: `${conversation.id}.2`, reason: 'qa', draftAnswer: 'draft' });
    await store.resolveEscalation({ id: `${conversation.id}.2.review`, status: 'edited', reviewer: 'r', finalAnswer: 'better' });

    const metrics = await store.agentMetrics({ since: '2000-01-01T00:00:00.000Z', tenantId: 'tenant-a' });
    expect(metrics.find((row) => row.agentId === billing.id)).toMatchObject({ invocations: 2, failures: 0, averageLatencyMs: 50, tokens: 240, humanOverrides: 1 });
    expect(metrics.find((row) => row.agentId === billing.id)?.averageConfidence).toBeCloseTo(0.7);
    expect(metrics.find((row) => row.agentId === 'legal-agent')).toMatchObject({ invocations: 1, failures: 1, averageConfidence: null });
    expect(await store.agentMetrics({ since: '2000-01-01T00:00:00.000Z', tenantId: 'tenant-b' })).toEqual([]);

    // A retry that succeeded replaces the failed attempt; a failure never replaces a success.
    await store.recordAgentRuns([{ ...run, agentId: 'legal-agent', confidence: 0.5 }, { ...run, outcome: 'failed', latencyMs: 1 }]);
    const retried = await store.agentMetrics({ since: '2000-01-01T00:00:00.000Z', tenantId: 'tenant-a' });
    expect(retried.find((row) => row.agentId === 'legal-agent')).toMatchObject({ invocations: 1, failures: 0, averageConfidence: 0.5 });
    expect(retried.find((row) => row.agentId === billing.id)).toMatchObject({ invocations: 2, failures: 0, averageLatencyMs: 50 });
  });
});
