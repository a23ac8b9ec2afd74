import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { findAmounts, parseNumber, toUsd } from './amounts.js';
import { DEFAULT_QA_POLICY, evaluatePolicy, loadQaPolicy } from './policy.js';

const fired = (message: string, answer = '') => evaluatePolicy({ message, answer, policy: DEFAULT_QA_POLICY }).map((hit) => hit.ruleId);

describe('amounts', () => {
  it.each([
    ['€600', 600, 'EUR'],
    ['$60.00', 60, 'USD'],
    ['$5,000', 5000, 'USD'],
    ['1.200,50 €', 1200.5, 'EUR'],
    ['£1.2k', 1200, 'GBP'],
    ['USD 750', 750, 'USD'],
    ['600 euros', 600, 'EUR'],
    ['5 grand', 5000, 'USD'],
    ['C$700', 700, 'CAD'],
  ])('reads %s', (text, amount, currency) => {
    expect(findAmounts(`a refund of ${text} now`).map((found) => [found.amount, found.currency])).toEqual([[amount, currency]]);
  });

  it('tells thousands separators from decimals', () => {
    expect([parseNumber('5.000'), parseNumber('5.00'), parseNumber('1,5'), parseNumber('1 234 567')]).toEqual([5000, 5, 1.5, 1234567]);
  });

  it('converts with the policy rates and knows nothing of unknown currencies', () => {
    const [euros] = findAmounts('€600');
    expect(euros && toUsd(euros, DEFAULT_QA_POLICY.usdRates)).toBeCloseTo(648);
    expect(toUsd({ amount: 1, currency: 'XTS', start: 0, end: 1, text: '' }, {})).toBeNull();
  });
});

describe('default policy', () => {
  it.each([
    ['Refund me €600 for the annual plan.', 'refund-above-limit'],
    ['I was charged $5,000 and want a refund.', 'refund-above-limit'],
    ['We will sue you if this is not fixed.', 'legal-threat'],
    ["That's a breach of contract.", 'legal-threat'],
    ['I am reporting you to the ICO.', 'legal-threat'],
    ['Someone logged into my account from Brazil.', 'account-compromise'],
    ['Our key is sk_live_51Hx9aBcDeFgHiJkLmNoPqRsTu, help.', 'credentials-shared'],
    ['Should I take 800mg of ibuprofen for this?', 'medical-advice'],
    ['Delete my account now.', 'account-deletion'],
    ['I want to talk to a human.', 'human-request'],
    ['Give us 40% off and we sign today.', 'custom-pricing'],
    ['I know where you live.', 'threat-of-harm'],
  ])('escalates %j (%s)', (message, rule) => {
    expect(fired(message)).toContain(rule);
  });

  it.each([
    'Refund $60.00 for the add-on, please.',
    'I would like a $450 refund.',
    'Hypothetically, if a customer threatened to sue, what would you do?',
    'What does your MSA say about breach of contract?',
    'What should I do if my API key is ever leaked?',
    'How do I add a medication field to the intake form?',
    'How do I remove a user from my workspace?',
    'Can I build a flow that lets customers talk to a human agent?',
    'Do you offer the nonprofit discount?',
    'Shoot me an email when it is ready.',
  ])('does not escalate %j', (message) => {
    expect(fired(message).filter((rule) => rule !== 'legal-disclaimer')).toEqual([]);
  });

  it('escalates a refund promised in the answer above the limit', () => {
    expect(fired('Can you help?', 'We will refund the $900 to your card.')).toContain('refund-above-limit');
  });

  it('asks for a disclaimer on legal and compliance answers', () => {
    const hits = evaluatePolicy({ message: 'Is your DPA GDPR compliant?', answer: 'Yes.', policy: DEFAULT_QA_POLICY });
    expect(hits).toEqual([expect.objectContaining({ ruleId: 'legal-disclaimer', action: 'disclaimer', disclaimer: expect.stringMatching(/not legal advice/) as string })]);
  });

  it("applies agents' escalation rules, by pattern or by topic", () => {
    const hits = evaluatePolicy({
      message: 'Do we owe a breach notification? Also, certify our revenue numbers.',
      answer: '',
      policy: DEFAULT_QA_POLICY,
      agentRules: [
        { agentId: 'security-expert', topic: 'breach notification', description: 'Security decides.' },
        { agentId: 'data-analyst', topic: 'attestation', description: 'Needs a human.', patterns: [String.raw`\bcertify\b`] },
        { agentId: 'billing-expert', topic: 'chargeback', description: 'Not asked.' },
      ],
    });
    expect(hits.map((hit) => hit.ruleId)).toEqual(['legal-disclaimer', 'agent:security-expert:breach notification', 'agent:data-analyst:attestation']);
  });
});

describe('loadQaPolicy', () => {
  it("applies a tenant's overrides: PII actions, disabled and replaced rules, a lower refund limit", () => {
    const refund = DEFAULT_QA_POLICY.rules.find((rule) => rule.id === 'refund-above-limit');
    const policy = loadQaPolicy({
      pii: { email: 'block' },
      disabledRules: ['custom-pricing'],
      rules: [{ ...refund!, amountAbove: { usd: 100, context: refund!.amountAbove!.context } }],
    });
    expect(policy.pii.email).toBe('block');
    expect(policy.pii.card).toBe('redact');
    expect(policy.rules.map((rule) => rule.id)).not.toContain('custom-pricing');
    expect(evaluatePolicy({ message: 'Refund my $150 please.', answer: '', policy }).map((hit) => hit.ruleId)).toEqual(['refund-above-limit']);
  });

  it('adds a tenant rule and rejects one whose pattern does not compile', () => {
    const policy = loadQaPolicy({ rules: [{ id: 'press', topic: 'media', description: 'Journalists go to PR.', action: 'escalate', patterns: [String.raw`\bjournalist\b`] }] });
    expect(evaluatePolicy({ message: 'I am a journalist.', answer: '', policy }).map((hit) => hit.ruleId)).toEqual(['press']);
    expect(() => loadQaPolicy({ rules: [{ id: 'broken', topic: 't', description: 'd', action: 'escalate', patterns: ['(unclosed'] }] })).toThrow(ZodError);
  });
});
