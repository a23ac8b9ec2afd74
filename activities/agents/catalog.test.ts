import { describe, expect, it } from 'vitest';
import { TEAM_IDS } from './agent-definition.js';
import { AGENT_CATALOG, FALLBACK_AGENT_ID, findAgent, parseAgentCatalog, SEED_CATALOG, teamOf } from './catalog.js';

const EXPECTED_TEAMS: Record<string, string[]> = {
  technical: ['integration-specialist', 'devops-engineer', 'security-expert', 'database-expert'],
  business: ['billing-expert', 'legal-agent', 'sales-ops', 'marketing-automation'],
  analysis: ['competitive-intelligence', 'data-analytics', 'financial-analyst'],
  customer: ['success-manager', 'training-specialist'],
  product: ['product-manager', 'ux-research-specialist'],
  industry: ['healthcare-expert', 'financial-services-expert', 'ecommerce-expert'],
};

describe('agent catalog', () => {
  it('has exactly the eighteen public agent ids, each in its team', () => {
    expect(AGENT_CATALOG).toHaveLength(18);
    for (const [team, ids] of Object.entries(EXPECTED_TEAMS)) {
      expect(AGENT_CATALOG.filter((agent) => agent.team === team).map((agent) => agent.id).sort()).toEqual([...ids].sort());
    }
    expect(Object.keys(EXPECTED_TEAMS).sort()).toEqual([...TEAM_IDS].sort());
  });

  it('gives every agent at least twelve distinct training questions and held-out questions that are not among them', () => {
    for (const agent of AGENT_CATALOG) {
      expect(new Set(agent.exampleQuestions.map((question) => question.toLowerCase())).size, agent.id).toBeGreaterThanOrEqual(12);
      expect(agent.heldOutQuestions.length, agent.id).toBeGreaterThanOrEqual(5);
      for (const question of agent.heldOutQuestions) expect(agent.exampleQuestions, agent.id).not.toContain(question);
      expect(agent.knowledgeScopes.length, agent.id).toBeGreaterThan(0);
    }
    const everyQuestion = AGENT_CATALOG.flatMap((agent) => [...agent.exampleQuestions, ...agent.heldOutQuestions]);
    expect(new Set(everyQuestion).size).toBe(everyQuestion.length);
  });

  it('finds agents and teams by id and names the generalist', () => {
    expect(findAgent('legal-agent')?.name).toBe('Legal Agent');
    expect(findAgent('nobody')).toBeUndefined();
    expect(teamOf('ecommerce-expert')).toBe('industry');
    expect(FALLBACK_AGENT_ID).toBe('success-manager');
    expect(SEED_CATALOG.version).toMatch(/\S/);
  });

  it('compiles every escalation pattern and matches the topics it names', () => {
    const rule = findAgent('security-expert')?.escalationRules.find((candidate) => candidate.topic === 'account-compromise');
    expect(rule?.patterns?.some((pattern) => new RegExp(pattern, 'i').test('I think my account was hacked'))).toBe(true);
  });
});

describe('parseAgentCatalog', () => {
  const clone = () => structuredClone(SEED_CATALOG) as unknown as { agents: Record<string, unknown>[]; fallbackAgentId: string };

  it('accepts the seed catalog', () => {
    expect(parseAgentCatalog(structuredClone(SEED_CATALOG)).agents).toHaveLength(18);
  });

  it.each([
    ['a duplicate id', (catalog: ReturnType<typeof clone>) => catalog.agents.push({ ...catalog.agents[0] }), /duplicate agent id "integration-specialist"/],
    ['an empty team', (catalog: ReturnType<typeof clone>) => (catalog.agents = catalog.agents.filter((agent) => agent.team !== 'product')), /team "product" has no agent/],
    ['an unknown fallback', (catalog: ReturnType<typeof clone>) => (catalog.fallbackAgentId = 'nobody'), /fallback agent "nobody"/],
    ['too few examples', (catalog: ReturnType<typeof clone>) => ((catalog.agents[0] as { exampleQuestions: string[] }).exampleQuestions = ['How do I rotate a key?']), /exampleQuestions/],
    ['a bad knowledge scope', (catalog: ReturnType<typeof clone>) => ((catalog.agents[0] as { knowledgeScopes: string[] }).knowledgeScopes = ['everything']), /knowledge:<topic>/],
    ['a broken escalation pattern', (catalog: ReturnType<typeof clone>) => ((catalog.agents[1] as { escalationRules: unknown[] }).escalationRules = [{ topic: 'x', description: 'x', patterns: ['(unclosed'] }]), /not a valid regular expression/],
  ])('rejects %s with a readable message', (_name, mutate, message) => {
    const catalog = clone();
    mutate(catalog);
    expect(() => parseAgentCatalog(catalog)).toThrow(message);
  });
});
