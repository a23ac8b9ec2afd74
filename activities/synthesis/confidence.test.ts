import { describe, expect, it } from 'vitest';
import type { Contradiction } from '../../domain/types.js';
import { scoreConfidence, type ConfidenceInput } from './confidence.js';

const position = { text: 'x', claims: [], agentIds: ['a'], passageIds: ['p'], updatedAt: null };
function contradiction(status: Contradiction['status']): Contradiction {
  return { kind: 'number', subject: 'refund', positions: [position, position], status, winner: status === 'resolved' ? 0 : null, reason: 'test' };
}

function score(input: Partial<ConfidenceInput>) {
  return scoreConfidence({ supporters: [1], agentsWithClaims: 1, citedScores: [0.5], coverage: 1, contradictions: [], ...input });
}

describe('scoreConfidence', () => {
  it('matches the documented calibration points', () => {
    expect(score({}).confidence).toBe(0.917);
    expect(score({ coverage: 0.5, citedScores: [0.1] }).confidence).toBe(0.452);
    expect(score({ supporters: [2], agentsWithClaims: 2 }).confidence).toBe(0.938);
    expect(score({ supporters: [2], agentsWithClaims: 2, contradictions: [contradiction('surfaced')] }).confidence).toBe(0.703);
  });

  it('shows every component', () => {
    expect(score({ supporters: [2, 1], agentsWithClaims: 2, citedScores: [0.4, 0.2, 0.05], coverage: 0.75, contradictions: [contradiction('resolved')] }).breakdown).toEqual({
      agreement: 0.625,
      retrieval: 0.6,
      coverage: 0.75,
      contradictionPenalty: 0.05,
    });
  });

  it('rises with agreement between agents', () => {
    const alone = score({ supporters: [1, 1], agentsWithClaims: 3 }).confidence;
    const some = score({ supporters: [2, 1], agentsWithClaims: 3 }).confidence;
    const all = score({ supporters: [3, 3], agentsWithClaims: 3 }).confidence;
    expect(alone).toBeLessThan(some);
    expect(some).toBeLessThan(all);
  });

  it('falls with contradictions, surfaced ones much more than resolved ones, within the caps', () => {
    const clean = score({}).confidence;
    const resolved = score({ contradictions: [contradiction('resolved')] }).confidence;
    const surfaced = score({ contradictions: [contradiction('surfaced')] }).confidence;
    expect(resolved).toBeLessThan(clean);
    expect(surfaced).toBeLessThan(resolved);
    const many = score({ contradictions: [1, 2, 3, 4, 5].flatMap(() => [contradiction('surfaced'), contradiction('resolved')]) });
    expect(many.breakdown.contradictionPenalty).toBe(0.65);
    expect(many.confidence).toBeGreaterThan(0);
  });

  it('rises with retrieval strength up to saturation and with coverage', () => {
    expect(score({ citedScores: [0.1] }).confidence).toBeLessThan(score({ citedScores: [0.3] }).confidence);
    expect(score({ citedScores: [0.5] }).confidence).toBe(score({ citedScores: [0.9] }).confidence);
    expect(score({ coverage: 0.3 }).confidence).toBeLessThan(score({ coverage: 0.9 }).confidence);
  });

  it('is 0 without cited passages or statements', () => {
    expect(score({ citedScores: [] }).confidence).toBe(0);
    expect(score({ supporters: [] }).confidence).toBe(0);
    expect(score({ supporters: [], citedScores: [], coverage: 0 }).breakdown).toEqual({ agreement: 0, retrieval: 0, coverage: 0, contradictionPenalty: 0 });
  });
});
