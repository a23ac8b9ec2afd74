import { describe, expect, it } from 'vitest';
import { loadEvaluationCases, runEscalationEvaluation } from './evaluation.js';

describe('escalation evaluation (issue 6 goals)', () => {
  it('has at least 150 realistic cases across all six teams, both outcomes in each', async () => {
    const cases = await loadEvaluationCases();
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const team of ['technical', 'business', 'analysis', 'customer', 'product', 'industry']) {
      const ofTeam = cases.filter((entry) => entry.team === team);
      expect(new Set(ofTeam.map((entry) => entry.expect)), team).toEqual(new Set(['escalate', 'pass']));
    }
    expect(new Set(cases.map((entry) => entry.id)).size).toBe(cases.length);
  });

  it('escalates ≥ 99% of must-escalate cases with ≥ 90% precision and leaks no PII', async () => {
    const report = await runEscalationEvaluation(await loadEvaluationCases());
    const misses = report.mistakes.filter((mistake) => mistake.expected === 'escalate').map((mistake) => mistake.id);
    expect(report.recall, `missed escalations: ${misses.join(', ')}`).toBeGreaterThanOrEqual(0.99);
    expect(report.precision).toBeGreaterThanOrEqual(0.9);
    expect(report.leaks).toEqual([]);
  });
});
