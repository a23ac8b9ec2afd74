import { describe, expect, it } from 'vitest';
import { loadRouter, OUT_OF_SCOPE_LABEL, trainingVersion, trainRouter, type LabelledExample } from './classifier.js';

const EXAMPLES: LabelledExample[] = [
  ...['refund my invoice', 'my card was charged twice', 'download last invoice', 'change billing plan', 'add VAT number to invoice', 'payment failed on card'].map((text) => ({ text, agentId: 'billing-expert' })),
  ...['rotate the api key', 'webhook signature invalid', 'api rate limit reached', 'connect salesforce integration', 'revoke api token', 'webhook retries'].map((text) => ({ text, agentId: 'integration-specialist' })),
  ...['weather tomorrow', 'tell me a joke', 'recipe for soup', 'who won the match', 'play some music', 'capital of peru'].map((text) => ({ text, agentId: null })),
];
const fixedClock = () => new Date('2025-07-01T00:00:00.000Z');

describe('trainRouter / loadRouter', () => {
  it('learns to rank agents and to spot out-of-scope questions', () => {
    const router = trainRouter(EXAMPLES, { now: fixedClock });
    expect(router.classify('my invoice refund').agents[0]?.agentId).toBe('billing-expert');
    expect(router.classify('the webhook signature').agents[0]?.agentId).toBe('integration-specialist');
    expect(router.classify('a joke about the weather').outOfScopeProbability).toBeGreaterThan(0.5);
    const { agents, outOfScopeProbability } = router.classify('refund');
    expect(agents.reduce((sum, agent) => sum + agent.probability, outOfScopeProbability)).toBeCloseTo(1, 6);
    expect(router.agentIds).toEqual(['billing-expert', 'integration-specialist']);
  });

  it('round-trips through JSON with the same version and the same probabilities', () => {
    const router = trainRouter(EXAMPLES, { now: fixedClock });
    const json = JSON.parse(JSON.stringify(router.toJSON())) as unknown;
    const loaded = loadRouter(json);
    expect(loaded.version).toBe(router.version);
    expect(loaded.trainedAt).toBe('2025-07-01T00:00:00.000Z');
    for (const question of ['refund please', 'api key rotation', 'soup', 'something unrelated']) {
      const [before, after] = [router.classify(question), loaded.classify(question)];
      expect(after.agents.map((agent) => agent.agentId)).toEqual(before.agents.map((agent) => agent.agentId));
      after.agents.forEach((agent, index) => expect(agent.probability).toBeCloseTo(before.agents[index]?.probability ?? -1, 3));
      expect(after.outOfScopeProbability).toBeCloseTo(before.outOfScopeProbability, 3);
    }
  });

  it('versions by content: same data, same version and weights; other data, another version', () => {
    const first = trainRouter(EXAMPLES, { now: fixedClock });
    const second = trainRouter(EXAMPLES, { now: () => new Date() });
    expect(second.version).toBe(first.version);
    expect(second.toJSON().weights).toEqual(first.toJSON().weights);
    expect(trainingVersion(EXAMPLES)).toBe(first.version);
    expect(trainRouter([...EXAMPLES, { text: 'invoice address wrong', agentId: 'billing-expert' }]).version).not.toBe(first.version);
    expect(first.version).toMatch(/^sha256-[0-9a-f]{16}$/);
  });

  it('always has an out-of-scope class, even without out-of-scope examples', () => {
    const router = trainRouter(EXAMPLES.filter((example) => example.agentId !== null));
    expect(router.toJSON().labels).toContain(OUT_OF_SCOPE_LABEL);
  });

  it('rejects a corrupt model instead of routing with it', () => {
    const json = trainRouter(EXAMPLES).toJSON();
    expect(() => loadRouter({ ...json, weights: json.weights.slice(1) })).toThrow(/weights, expected/);
    expect(() => loadRouter({ ...json, format: 'something-else' })).toThrow();
  });
});
