import { describe, expect, it } from 'vitest';
import type { Passage } from '../../domain/types.js';
import { claim, finding, passage } from '../agents/__fixtures__/findings.js';
import { parseCitedSentences } from '../llm/text.js';
import { buildStatements, composeAnswer, MAX_ANSWER_STATEMENTS, MAX_ANSWER_WORDS } from './compose-answer.js';
import { detectContradictions } from './contradictions.js';

const invoices = passage('invoices#0', 'Invoices are listed under Settings → Billing. You can download each invoice as a PDF.');
const plans = passage('plans#0', 'You can change your plan at any time from Settings → Plan. Upgrades take effect immediately.');
const stripe = passage('payments#0', 'Stripe processes every card payment. Card payments can be retried from the invoice page.');
const question = 'How do I download an invoice and change my plan?';

function passagesById(...passages: Passage[]): Map<string, Passage> {
  return new Map(passages.map((item) => [item.id, item]));
}

describe('buildStatements', () => {
  it('merges near-identical claims of different agents, pooling agents and passages, most relevant and supported first', () => {
    const invoicesAgain = passage('invoices#1', 'Download each invoice as a PDF from the list.');
    const statements = buildStatements(question, [
      finding('billing-expert', [claim('Invoices are listed under Settings → Billing.', invoices), claim('You can download each invoice as a PDF.', invoices)], [invoices]),
      finding('success-manager', [claim('  you can download each invoice as a PDF ', invoicesAgain), claim('You can change your plan at any time from Settings → Plan.', plans)], [invoicesAgain, plans]),
    ], []);
    expect(statements.map((statement) => [statement.text, statement.agentIds, statement.passageIds])).toEqual([
      // Equally relevant: the one more agents stated comes first.
      ['You can download each invoice as a PDF.', ['billing-expert', 'success-manager'], ['invoices#0', 'invoices#1']],
      ['You can change your plan at any time from Settings → Plan.', ['success-manager'], ['plans#0']],
      ['Invoices are listed under Settings → Billing.', ['billing-expert'], ['invoices#0']],
    ]);
  });

  it('leaves out claims without a given passage and the losers of contradictions, and counts confirmations', () => {
    const old = passage('refund-faq#0', 'Annual plans are refundable within 14 days.', { updatedAt: '2025-01-01T00:00:00.000Z' });
    const fresh = passage('refund-policy#0', 'Annual plans are refundable within 30 days.', { updatedAt: '2026-01-01T00:00:00.000Z' });
    const findings = [
      finding('success-manager', [claim('Annual plans are refundable within 14 days.', old), claim('Uncited guess.')], [old]),
      finding('billing-expert', [claim('Annual plans are refundable within 30 days.', fresh)], [fresh]),
      finding('legal-agent', [], [fresh], {
        stances: [{ agentId: 'legal-agent', kind: 'confirm', target: { agentId: 'billing-expert', claimIndex: 0, text: 'Annual plans are refundable within 30 days.' }, claim: null, passageIds: ['refund-policy#0'], reason: 'same' }],
      }),
    ];
    const statements = buildStatements('Can I get a refund on an annual plan?', findings, detectContradictions(findings));
    expect(statements.map((statement) => [statement.text, statement.agentIds])).toEqual([['Annual plans are refundable within 30 days.', ['billing-expert', 'legal-agent']]]);
  });

  it('never merges two claims that contradict each other, however alike', () => {
    const statements = buildStatements('refund days', [
      finding('billing-expert', [claim('Refunds take 14 days.', invoices)], [invoices]),
      finding('success-manager', [claim('Refunds take 30 days.', plans)], [plans]),
    ], []);
    expect(statements).toHaveLength(2);
  });
});

describe('composeAnswer', () => {
  const findings = [
    finding('billing-expert', [claim('Invoices are listed under Settings → Billing.', invoices), claim('You can download each invoice as a PDF.', invoices)], [invoices]),
    finding('success-manager', [claim('You can download each invoice as a PDF.', invoices), claim('You can change your plan at any time from Settings → Plan', plans)], [invoices, plans]),
  ];

  it('reads as one reply: topics together, a connective before the next topic, every sentence cited once', () => {
    const composed = composeAnswer(buildStatements(question, findings, []), passagesById(invoices, plans));
    expect(composed.text).toBe(
      'Invoices are listed under Settings → Billing. [1] You can download each invoice as a PDF. [1] Also, you can change your plan at any time from Settings → Plan. [2]',
    );
    expect(composed.documents.map((document) => document.id)).toEqual(['invoices#0', 'plans#0']);
    const sentences = parseCitedSentences(composed.text);
    expect(sentences.every((sentence) => sentence.documentNumbers.length === 1)).toBe(true);
    expect(new Set(sentences.map((sentence) => sentence.text)).size).toBe(sentences.length);
  });

  it('keeps the capital of a name after a connective', () => {
    const statements = buildStatements('How do I download an invoice and retry a card payment?', [
      finding('billing-expert', [claim('You can download each invoice as a PDF.', invoices), claim('Stripe processes every card payment.', stripe)], [invoices, stripe]),
    ], []);
    const composed = composeAnswer(statements, passagesById(invoices, stripe));
    expect(composed.text).toContain('Also, Stripe processes every card payment.');
  });

  it('caps the number of sentences and words', () => {
    const many = Array.from({ length: 12 }, (_, index) => passage(`topic-${index}#0`, `Topic ${index} answer sentence with several useful words about invoices and plans number ${index}.`));
    const statements = buildStatements(question, [finding('billing-expert', many.map((item) => claim(item.text, item)), many)], []);
    const composed = composeAnswer(statements, passagesById(...many));
    expect(composed.used).toHaveLength(MAX_ANSWER_STATEMENTS);
    expect(composed.text.replace(/\[\d+\]/g, '').split(/\s+/).filter(Boolean).length).toBeLessThanOrEqual(MAX_ANSWER_WORDS + 2 * MAX_ANSWER_STATEMENTS);
    const long = passage('long#0', `${'word '.repeat(200)}end.`);
    const capped = composeAnswer(buildStatements(question, [finding('billing-expert', [claim(long.text, long), claim('You can download each invoice as a PDF.', invoices)], [long, invoices])], []), passagesById(long, invoices));
    expect(capped.used).toHaveLength(1);
  });

  it('writes nothing from statements whose passages are unknown', () => {
    const composed = composeAnswer(buildStatements(question, findings, []), new Map());
    expect(composed).toEqual({ text: '', documents: [], used: [], sentences: [] });
  });
});
