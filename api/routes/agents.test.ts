/**
 * The agent catalog through the API and a real worker: listing, versions, edits (409 on a stale version, 404,
 * 400), enabling and disabling with audit entries, turns that keep the version they were routed with while
 * an edit lands mid-conversation, disabled agents that are never routed to, and per-agent metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../activities/agents/agent-definition.js';
import type { AgentRecord } from '../../activities/persistence/store.js';
import type { AgentChoice } from '../../domain/types.js';
import { startApiHarness, type ApiHarness } from '../../test-support/api-harness.js';
import type { TestPipeline } from '../../test-support/pipeline.js';

let harness: ApiHarness;
let pipeline: TestPipeline;

beforeAll(async () => {
  harness = await startApiHarness();
  pipeline = harness.pipeline;
});

afterAll(async () => {
  await harness?.close();
});

const call = (method: string, path: string, body?: unknown) => harness.call(method, path, body);

async function definitionOf(id: string): Promise<AgentDefinition> {
  return ((await call('GET', `/api/agents/${id}`)).body as unknown as AgentRecord).definition;
}

/** Sends a message and waits for the turn's answer; returns the ids and the routed agents of its stored trace. */
async function ask(message: string, conversationId?: string): Promise<{ conversationId: string; turnId: string; agents: AgentChoice[] }> {
  const sent = await call('POST', '/api/chat?wait=true', { message, ...(conversationId === undefined ? {} : { conversationId }) });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const ids = { conversationId: String(sent.body.conversationId), turnId: String(sent.body.turnId) };
  const trace = await call('GET', `/api/conversations/${ids.conversationId}/turns/${ids.turnId}`);
  expect(trace.status).toBe(200);
  return { ...ids, agents: (trace.body.route as { agents: AgentChoice[] }).agents };
}

describe('the agent catalog API', () => {
  it('lists the seeded agents at version 1, grouped by team, and shows one agent with its versions', async () => {
    const list = await call('GET', '/api/agents');
    expect(list.status).toBe(200);
    expect(list.body.agents).toHaveLength(18);
    expect(list.body.agents).toContainEqual(expect.objectContaining({ id: 'billing-expert', team: 'business', version: 1, enabled: true, editedBy: 'seed' }));
    expect(list.body.teams).toContainEqual({ id: 'business', agentIds: ['billing-expert', 'legal-agent', 'marketing-automation', 'sales-ops'] });

    const one = await call('GET', '/api/agents/sales-ops');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'sales-ops', version: 1, definition: { id: 'sales-ops', team: 'business' } });
    expect(one.body.versions).toEqual([expect.objectContaining({ id: 'sales-ops', version: 1, editedBy: 'seed' })]);
    expect((await call('GET', '/api/agents/sales-ops/versions/1')).body).toMatchObject({ id: 'sales-ops', version: 1 });
  });

  it('saves an edit as a new version with an audit entry, refuses a stale version with 409 and keeps old versions readable', async () => {
    const definition = await definitionOf('sales-ops');
    const saved = await call('PUT', '/api/agents/sales-ops', { definition: { ...definition, name: 'Sales Operations Lead' }, editedBy: 'ana@example.com', note: 'rename', expectedVersion: 1 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ id: 'sales-ops', version: 2, editedBy: 'ana@example.com', definition: { name: 'Sales Operations Lead' } });
    // The edit starts a routing retrain at once (the schedule would otherwise pick it up later).
    const retrained = (await pipeline.client.workflow.getHandle('retrain-router-default-after-sales-ops-v2').result()) as { version: string };
    expect(retrained.version).toMatch(/^sha256-/);

    const stale = await call('PUT', '/api/agents/sales-ops', { definition: { ...definition, name: 'Someone Else' }, editedBy: 'bo@example.com', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version_conflict' });

    expect((await call('GET', '/api/agents/sales-ops/versions/1')).body).toMatchObject({ definition: { name: definition.name } });
    expect((await call('GET', '/api/agents/sales-ops/versions/2')).body).toMatchObject({ definition: { name: 'Sales Operations Lead' } });
    const versions = (await call('GET', '/api/agents/sales-ops')).body.versions as { version: number }[];
    expect(versions.map((version) => version.version)).toEqual([2, 1]);
    const audit = await pipeline.store.listAudit({ subjectType: 'agent', subjectId: 'sales-ops' });
    expect(audit).toEqual([expect.objectContaining({ action: 'agent.edit', actor: 'ana@example.com', details: { fromVersion: 1, toVersion: 2, note: 'rename' } })]);
  });

  it('answers 404 for unknown agents and versions, 400 for invalid definitions, a path/body id mismatch or a missing editor', async () => {
    const definition = await definitionOf('legal-agent');
    expect((await call('GET', '/api/agents/no-such-agent')).body.error).toMatchObject({ code: 'agent_not_found' });
    expect((await call('GET', '/api/agents/legal-agent/versions/99')).status).toBe(404);
    const unknown = await call('PUT', '/api/agents/no-such-agent', { definition: { ...definition, id: 'no-such-agent' }, editedBy: 'ana@example.com' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'agent_not_found']);
    expect((await call('PATCH', '/api/agents/no-such-agent', { enabled: false, editedBy: 'ana@example.com' })).status).toBe(404);

    const badTeam = await call('PUT', '/api/agents/legal-agent', { definition: { ...definition, team: 'marketing' }, editedBy: 'ana@example.com' });
    expect([badTeam.status, badTeam.body.error?.code]).toEqual([400, 'invalid_request']);
    expect(badTeam.body.error?.message).toMatch(/definition\.team/);
    const mismatch = await call('PUT', '/api/agents/legal-agent', { definition: { ...definition, id: 'sales-ops' }, editedBy: 'ana@example.com' });
    expect(mismatch.status).toBe(400);
    expect((await call('PUT', '/api/agents/legal-agent', { definition })).status).toBe(400);
    expect((await call('PATCH', '/api/agents/legal-agent', { enabled: 'no', editedBy: 'ana@example.com' })).status).toBe(400);
    expect((await call('GET', '/api/agents/legal-agent')).body.version).toBe(1);
  });

  it('disables and re-enables an agent with audit entries', async () => {
    const disabled = await call('PATCH', '/api/agents/ecommerce-expert', { enabled: false, editedBy: 'ana@example.com' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: 'ecommerce-expert', enabled: false });
    expect((await call('PATCH', '/api/agents/ecommerce-expert', { enabled: true, editedBy: 'bo@example.com' })).body.enabled).toBe(true);
    const audit = await pipeline.store.listAudit({ subjectType: 'agent', subjectId: 'ecommerce-expert' });
    expect(audit.map((entry) => [entry.action, entry.actor]).sort()).toEqual([
      ['agent.disable', 'ana@example.com'],
      ['agent.enable', 'bo@example.com'],
    ]);
  });
});

describe('turns and catalog versions', () => {
  it('keeps the version a turn was routed with when the agent is edited mid-conversation; the next turn runs the edit', async () => {
    const question = 'How do I download an invoice?';
    const first = await ask(question);
    expect(first.agents).toContainEqual(expect.objectContaining({ agentId: 'billing-expert', version: 1 }));

    const definition = await definitionOf('billing-expert');
    const edited = await call('PUT', '/api/agents/billing-expert', { definition: { ...definition, name: 'Invoice Wizard' }, editedBy: 'ana@example.com', expectedVersion: 1 });
    expect(edited.status).toBe(200);

    const second = await ask(question, first.conversationId);
    expect(second.turnId).not.toBe(first.turnId);
    expect(second.agents).toContainEqual(expect.objectContaining({ agentId: 'billing-expert', version: 2 }));
    const firstAgain = await call('GET', `/api/conversations/${first.conversationId}/turns/${first.turnId}`);
    expect((firstAgain.body.route as { agents: AgentChoice[] }).agents).toContainEqual(expect.objectContaining({ agentId: 'billing-expert', version: 1 }));

    const started = (await pipeline.eventLog.read(first.conversationId, 0)).filter((event) => event.type === 'agent-started' && event.payload.agentId === 'billing-expert');
    expect(started.map((event) => [event.turnId, event.payload.name, event.payload.version])).toEqual([
      [first.turnId, definition.name, 1],
      [second.turnId, 'Invoice Wizard', 2],
    ]);

    const metrics = await call('GET', '/api/agents/metrics?days=1');
    expect(metrics.status).toBe(200);
    expect(metrics.body.agents).toContainEqual(expect.objectContaining({ agentId: 'billing-expert', invocations: 2, failures: 0 }));
    expect((await call('GET', '/api/agents/metrics?days=0')).status).toBe(400);
  });

  it('never routes to a disabled agent', async () => {
    const question = 'How do I download an invoice?';
    expect((await call('PATCH', '/api/agents/billing-expert', { enabled: false, editedBy: 'ana@example.com' })).status).toBe(200);
    try {
      const turn = await ask(question);
      expect(turn.agents.length).toBeGreaterThan(0);
      expect(turn.agents.map((agent) => agent.agentId)).not.toContain('billing-expert');
      const started = (await pipeline.eventLog.read(turn.conversationId, 0)).filter((event) => event.type === 'agent-started');
      expect(started.map((event) => event.payload.agentId)).not.toContain('billing-expert');
    } finally {
      await call('PATCH', '/api/agents/billing-expert', { enabled: true, editedBy: 'ana@example.com' });
    }
  });
});
