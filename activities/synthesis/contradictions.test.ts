import { describe, expect, it } from 'vitest';
import { claim, finding, passage } from '../agents/__fixtures__/findings.js';
import { claimFacts, conflictKind, quantitiesOf } from './claim-facts.js';
import { detectContradictions, excludedClaims } from './contradictions.js';

const oldRefunds = passage('refund-faq#0', 'Annual plans are refundable within 14 days of purchase.', { updatedAt: '2025-03-01T00:00:00.000Z' });
const newRefunds = passage('refund-policy#0', 'Annual plans are refundable within 30 days of purchase.', { updatedAt: '2026-02-01T00:00:00.000Z' });
const vatIncluded = passage('vat#0', 'VAT is included in the displayed price.');
const vatExcluded = passage('vat-eu#0', 'VAT is not included in the displayed price.');

function conflict(left: string, right: string) {
  return conflictKind(claimFacts(left), claimFacts(right));
}

describe('claim facts', () => {
  it('normalizes durations, money, percentages and number words', () => {
    expect(quantitiesOf('refundable within 2 weeks or fourteen days')).toEqual([
      { unit: 'duration', value: 336 },
      { unit: 'duration', value: 336 },
    ]);
    expect(quantitiesOf('costs $49 per month, 20% off, or 1,200 usd a year')).toEqual([
      { unit: 'money:USD', value: 49 },
      { unit: 'percent', value: 20 },
      { unit: 'money:USD', value: 1200 },
    ]);
    expect(quantitiesOf('since 2024 we refund in 5 business days')).toEqual([{ unit: 'business-days', value: 5 }]);
  });

  it('finds number, negation and yes/no conflicts about one subject', () => {
    expect(conflict('Annual plans are refundable within 14 days.', 'Annual plans can be refunded within 30 days.')).toBe('number');
    expect(conflict('The Pro plan costs $49 per seat.', 'The Pro plan costs $59 per seat.')).toBe('number');
    expect(conflict('VAT is included in the displayed price.', "VAT isn't included in the displayed price.")).toBe('negation');
    expect(conflict('Yes, you can downgrade your plan mid-cycle.', 'No, you can downgrade your plan only at renewal.')).toBe('yes-no');
  });

  it('sees no conflict in equal amounts, different subjects or different statements', () => {
    expect(conflict('Annual plans are refundable within 2 weeks.', 'Annual plans are refundable within 14 days.')).toBeNull();
    expect(conflict('Refunds are issued within 5 days.', 'Invoices are emailed within 30 days.')).toBeNull();
    expect(conflict('Monthly plans renew every 30 days.', 'Annual plans are refundable within 14 days.')).toBeNull();
    expect(conflict('Refunds are not available after 30 days.', 'Refunds are available within 30 days of purchase.')).toBeNull();
    expect(conflict('Monthly plans cost $10 per seat.', 'Annual plans cost $8 per seat per month.')).toBeNull();
  });
});

describe('detectContradictions', () => {
  it('resolves a number conflict for the fresher source, whichever agent was routed first', () => {
    const contradictions = detectContradictions([
      finding('success-manager', [claim('Annual plans are refundable within 14 days of purchase.', oldRefunds)], [oldRefunds]),
      finding('billing-expert', [claim('Annual plans are refundable within 30 days of purchase.', newRefunds)], [newRefunds]),
    ]);
    expect(contradictions).toHaveLength(1);
    expect(contradictions[0]).toMatchObject({
      kind: 'number',
      status: 'resolved',
      winner: 1,
      reason: 'fresher source: updated 2026-02-01, the other 2025-03-01',
      positions: [
        { agentIds: ['success-manager'], passageIds: ['refund-faq#0'], updatedAt: '2025-03-01T00:00:00.000Z' },
        { agentIds: ['billing-expert'], passageIds: ['refund-policy#0'], updatedAt: '2026-02-01T00:00:00.000Z' },
      ],
    });
    expect(contradictions[0]?.subject).toContain('refund');
    expect([...excludedClaims(contradictions)]).toEqual(['success-manager#0']);
  });

  it('resolves for the majority of agents when no source is fresher, reporting the disagreement once', () => {
    const contradictions = detectContradictions([
      finding('billing-expert', [claim('VAT is included in the displayed price.', vatIncluded)], [vatIncluded]),
      finding('legal-agent', [claim('VAT is not included in the displayed price.', vatExcluded)], [vatExcluded]),
      finding('success-manager', [claim('VAT is included in the displayed price.', vatIncluded)], [vatIncluded]),
    ]);
    expect(contradictions).toHaveLength(1);
    expect(contradictions[0]).toMatchObject({ kind: 'negation', status: 'resolved', winner: 0, reason: 'more agents agree: 2 against 1' });
    expect(contradictions[0]?.positions[0].agentIds).toEqual(['billing-expert', 'success-manager']);
    expect([...excludedClaims(contradictions)]).toEqual(['legal-agent#0']);
  });

  it('resolves for the side with more supporting passages', () => {
    const vatAgain = passage('vat#1', 'Prices show VAT included.');
    const contradictions = detectContradictions([
      finding('legal-agent', [claim('VAT is not included in the displayed price.', vatExcluded)], [vatExcluded]),
      finding('billing-expert', [claim('VAT is included in the displayed price.', vatIncluded, vatAgain)], [vatIncluded, vatAgain]),
    ]);
    expect(contradictions[0]).toMatchObject({ status: 'resolved', winner: 1, reason: 'more supporting passages: 2 against 1' });
  });

  it('surfaces a contradiction that the evidence cannot decide, keeping the first-routed agent in the answer', () => {
    const yes = passage('plans#0', 'Yes, you can downgrade your plan mid-cycle.');
    const no = passage('plans#1', 'No, you can downgrade your plan only at renewal.');
    const contradictions = detectContradictions([
      finding('billing-expert', [claim('Yes, you can downgrade your plan mid-cycle.', yes)], [yes]),
      finding('success-manager', [claim('No, you can downgrade your plan only at renewal.', no)], [no]),
    ]);
    expect(contradictions).toEqual([
      expect.objectContaining({ kind: 'yes-no', status: 'surfaced', winner: null, reason: 'equal evidence on both sides: the sources disagree' }),
    ]);
    expect([...excludedClaims(contradictions)]).toEqual(['success-manager#0']);
  });

  it('finds nothing between claims on different subjects, within one agent, or without a given passage', () => {
    const invoices = passage('invoices#0', 'Invoices are emailed within 30 days.');
    expect(
      detectContradictions([
        finding('billing-expert', [claim('Refunds are issued within 5 days.', newRefunds)], [newRefunds]),
        finding('success-manager', [claim('Invoices are emailed within 30 days.', invoices)], [invoices]),
      ]),
    ).toEqual([]);
    expect(
      detectContradictions([
        finding('billing-expert', [claim('Annual plans are refundable within 14 days.', oldRefunds), claim('Annual plans are refundable within 30 days.', newRefunds)], [oldRefunds, newRefunds]),
      ]),
    ).toEqual([]);
    expect(
      detectContradictions([
        finding('billing-expert', [claim('Annual plans are refundable within 14 days.', oldRefunds)], [oldRefunds]),
        finding('success-manager', [claim('Annual plans are refundable within 30 days.', newRefunds)], []),
      ]),
    ).toEqual([]);
  });
});
