import { describe, expect, it } from 'vitest';
import { escalationReasonCode, outcomeOfDelivered, secondsSince } from './turn-metrics.js';

describe('turn metrics labels', () => {
  it('maps QA reason sentences onto a fixed set of reason codes', () => {
    const cases: [string, string][] = [
      ['the customer asked for a person', 'customer_request'],
      ['agent billing asked for a human: refund over limit', 'agent_request'],
      ['agents contradict each other about plan limits', 'contradiction'],
      ['the answer contains email address, phone number', 'personal_data'],
      ['2 of 5 sentences are not supported by their sources', 'ungrounded'],
      ['no sentence of the draft is supported by a source', 'ungrounded'],
      ['the draft cites 1 passage(s) quarantined for prompt injection', 'prompt_injection'],
      ['confidence 0.1 is below 0.2', 'low_confidence'],
      ['no model answered (ModelUnavailable): all providers failed', 'no_model'],
      ['qa', 'other'],
    ];
    expect(cases.map(([reason]) => [reason, escalationReasonCode(reason)])).toEqual(cases);
  });

  it('labels delivered turns and measures from the turn start', () => {
    expect(outcomeOfDelivered({ status: 'completed', escalated: false })).toBe('answered');
    expect(outcomeOfDelivered({ status: 'completed', escalated: true })).toBe('escalated');
    expect(outcomeOfDelivered({ status: 'failed', escalated: false })).toBe('failed');
    expect(secondsSince('2026-01-01T00:00:00.000Z', new Date('2026-01-01T00:00:02.500Z'))).toBe(2.5);
    expect(secondsSince(null)).toBeUndefined();
    expect(secondsSince('not a date')).toBeUndefined();
  });
});
