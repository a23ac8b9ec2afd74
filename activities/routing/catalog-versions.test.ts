import { describe, expect, it } from 'vitest';
import type { RouteDecision } from '../../domain/types.js';
import { findAgent } from '../agents/catalog.js';
import type { AgentRecord } from '../persistence/store.js';
import { applyCatalogState } from './catalog-versions.js';

const route: RouteDecision = {
  intent: 'billing',
  complexity: 'simple',
  language: 'en',
  agents: [
    { agentId: 'billing-expert', score: 0.8, reason: 'invoice', team: 'business' },
    { agentId: 'legal-agent', score: 0.3, reason: 'terms', team: 'business' },
  ],
  confidence: 0.8,
  wantsHuman: false,
  humanRequiredTopics: [{ agentId: 'legal-agent', topic: 'legal-threat' }],
};

function record(id: string, version: number, enabled = true): AgentRecord {
  const definition = findAgent(id)!;
  return { id, team: definition.team, version, enabled, definition, editedBy: 'seed', updatedAt: '2026-01-01T00:00:00.000Z' };
}

describe('applyCatalogState', () => {
  it('attaches each chosen agent\'s current version', () => {
    expect(applyCatalogState(route, [record('billing-expert', 3), record('legal-agent', 1)]).agents.map((agent) => [agent.agentId, agent.version])).toEqual([
      ['billing-expert', 3],
      ['legal-agent', 1],
    ]);
  });

  it('leaves the decision as is when the store has no catalog rows', () => {
    expect(applyCatalogState(route, [])).toBe(route);
  });

  it('drops disabled agents with their escalation topics', () => {
    const applied = applyCatalogState(route, [record('billing-expert', 2), record('legal-agent', 1, false)]);
    expect(applied.agents).toEqual([{ ...route.agents[0], version: 2 }]);
    expect(applied.humanRequiredTopics).toEqual([]);
  });

  it('hands the question to the fallback agent when every chosen agent is disabled', () => {
    const applied = applyCatalogState(route, [record('billing-expert', 2, false), record('legal-agent', 1, false), record('success-manager', 4)]);
    expect(applied.agents).toEqual([{ agentId: 'success-manager', score: 0, reason: 'fallback: billing-expert, legal-agent disabled', team: 'customer', version: 4 }]);
  });
});
