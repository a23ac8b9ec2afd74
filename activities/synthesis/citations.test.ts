import { describe, expect, it } from 'vitest';
import type { Citation, Passage } from '../../domain/types.js';
import { passage } from '../agents/__fixtures__/findings.js';
import { assertCitationsGiven, givenPassages, numberCitations } from './citations.js';
import { finding } from '../agents/__fixtures__/findings.js';

function citation(index: number, cited: Passage): Citation {
  return {
    index,
    passageId: cited.id,
    source: cited.source,
    documentId: cited.documentId,
    title: cited.title,
    url: cited.url,
    snippet: cited.text,
  };
}

const invoices = passage('invoices#1');
const refunds = passage('refunds#0');
const webhooks = passage('webhooks#2');

describe('numberCitations', () => {
  it('numbers citations 1..k in order of first use', () => {
    expect(numberCitations('Refunds take 5 days. [3] Invoices are monthly. [1] Refunds go to the card. [3]', [invoices, webhooks, refunds])).toEqual({
      text: 'Refunds take 5 days. [1] Invoices are monthly. [2] Refunds go to the card. [1]',
      citations: [citation(1, refunds), citation(2, invoices)],
    });
  });

  it('gives one number to two documents that share a passage', () => {
    expect(numberCitations('Invoices are under Settings. [1] Refunds take 5 days. [2] Invoices are emailed. [3]', [invoices, refunds, invoices])).toEqual({
      text: 'Invoices are under Settings. [1] Refunds take 5 days. [2] Invoices are emailed. [1]',
      citations: [citation(1, invoices), citation(2, refunds)],
    });
  });

  it('collapses adjacent markers that end up naming the same citation', () => {
    expect(numberCitations('Invoices are under Settings and emailed. [1][3] Refunds take 5 days. [2][2][2]', [invoices, refunds, invoices])).toEqual({
      text: 'Invoices are under Settings and emailed. [1] Refunds take 5 days. [2]',
      citations: [citation(1, invoices), citation(2, refunds)],
    });
  });

  it('keeps adjacent markers of different citations', () => {
    expect(numberCitations('Both apply. [2][1]', [invoices, refunds])).toEqual({
      text: 'Both apply. [1][2]',
      citations: [citation(1, refunds), citation(2, invoices)],
    });
  });

  it('drops markers outside the documents without using a number', () => {
    expect(numberCitations('Made up. [0] Also made up. [9] Invoices are monthly. [9][1]', [invoices])).toEqual({
      text: 'Made up.  Also made up.  Invoices are monthly. [1]',
      citations: [citation(1, invoices)],
    });
  });

  it('returns text without markers unchanged and no citations', () => {
    expect(numberCitations('Nothing relevant was found.', [invoices])).toEqual({ text: 'Nothing relevant was found.', citations: [] });
  });

  it('keeps a snippet of up to 280 characters whole and truncates a longer one with an ellipsis', () => {
    const exact = passage('exact', 'e'.repeat(280));
    const long = passage('long', `${'l'.repeat(277)}TAIL`);
    const { citations } = numberCitations('A. [1] B. [2]', [exact, long]);
    expect(citations.map((cited) => cited.snippet)).toEqual(['e'.repeat(280), `${'l'.repeat(277)}…`]);
  });

  it('copies source, document, title and a null url into the citation', () => {
    const web: Passage = { ...passage('https://status.example/#0'), source: 'web', url: null, untrusted: true };
    expect(numberCitations('The status page is green. [1]', [web]).citations).toEqual<Citation[]>([
      {
        index: 1,
        passageId: 'https://status.example/#0',
        source: 'web',
        documentId: 'https://status.example/',
        title: 'Title of https://status.example/#0',
        url: null,
        snippet: 'Text of https://status.example/#0.',
      },
    ]);
  });
});

describe('numberCitations: grouped markers', () => {
  it('renumbers every document in a grouped marker like [1, 2]', () => {
    const result = numberCitations('C is true. [3] A and B agree. [1, 2]', [invoices, refunds, webhooks]);
    expect(result.text).toBe('C is true. [1] A and B agree. [2][3]');
    expect(result.citations).toEqual([citation(1, webhooks), citation(2, invoices), citation(3, refunds)]);
  });
});

describe('assertCitationsGiven', () => {
  const given = givenPassages([finding('billing-expert', [], [invoices]), finding('success-manager', [], [refunds])]);

  it('accepts citations of passages the agents were given', () => {
    const { text, citations } = numberCitations('Invoices are monthly. [1] Refunds take 5 days. [2]', [invoices, refunds]);
    expect(() => assertCitationsGiven(text, citations, given)).not.toThrow();
  });

  it('fails for good on a citation of a passage no agent was given, or a marker without a citation', () => {
    const { text, citations } = numberCitations('Webhooks retry. [1]', [webhooks]);
    expect(() => assertCitationsGiven(text, citations, given)).toThrow('Synthesis cited sources it was not given (passages: webhooks#2; markers: none)');
    expect(() => assertCitationsGiven('Invoices are monthly. [1] Made up. [4]', [citation(1, invoices)], given)).toThrow(
      expect.objectContaining({ nonRetryable: true, type: 'InvalidInput', message: 'Synthesis cited sources it was not given (passages: none; markers: 4)' }),
    );
  });
});
