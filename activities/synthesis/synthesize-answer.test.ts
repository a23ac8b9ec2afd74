import { describe, expect, it } from 'vitest';
import type { AgentFinding, Citation, Claim, Passage } from '../../domain/types.js';
import { claimDocuments, numberCitations, type ClaimDocument } from './synthesize-answer.js';

function passage(id: string, text = `Text of ${id}.`): Passage {
  return {
    id,
    source: 'knowledge',
    documentId: `document-${id}`,
    title: `Title of ${id}`,
    url: `https://help.example/${id}`,
    text,
    score: 0.5,
    updatedAt: null,
    untrusted: false,
  };
}

function finding(agentId: string, claims: Claim[], passages: Passage[]): AgentFinding {
  return {
    agentId,
    claims,
    passages,
    confidence: 0.5,
    llmCall: { purpose: 'agent', provider: 'offline', modelId: 'offline-extractive-v1', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0, latencyMs: 1, attempt: 1, agentId },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

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

describe('claimDocuments', () => {
  it('returns nothing for no findings', () => {
    expect(claimDocuments([])).toEqual([]);
  });

  it('keeps claims in agent order, then claim order, each with its passage', () => {
    const documents = claimDocuments([
      finding('billing-expert', [
        { text: 'Invoices are under Settings.', passageIds: ['invoices#1'] },
        { text: 'Annual plans are refundable for 14 days.', passageIds: ['refunds#0'] },
      ], [invoices, refunds]),
      finding('integration-specialist', [{ text: 'Webhooks retry for 24 hours.', passageIds: ['webhooks#2'] }], [webhooks]),
    ]);
    expect(documents).toEqual<ClaimDocument[]>([
      { text: 'Invoices are under Settings.', passage: invoices },
      { text: 'Annual plans are refundable for 14 days.', passage: refunds },
      { text: 'Webhooks retry for 24 hours.', passage: webhooks },
    ]);
  });

  it('dedupes claims by text, ignoring case and surrounding space, keeping the first', () => {
    const documents = claimDocuments([
      finding('billing-expert', [{ text: 'Invoices are under Settings.', passageIds: ['invoices#1'] }], [invoices]),
      finding('success-manager', [
        { text: '  invoices ARE under settings. ', passageIds: ['refunds#0'] },
        { text: 'Invoices are under Settings.', passageIds: ['refunds#0'] },
      ], [refunds]),
    ]);
    expect(documents).toEqual<ClaimDocument[]>([{ text: 'Invoices are under Settings.', passage: invoices }]);
  });

  it('ties a claim to its first passage that the agent knows', () => {
    const documents = claimDocuments([
      finding('billing-expert', [{ text: 'Refunds go to the card.', passageIds: ['unknown#9', 'refunds#0', 'invoices#1'] }], [invoices, refunds]),
    ]);
    expect(documents).toEqual<ClaimDocument[]>([{ text: 'Refunds go to the card.', passage: refunds }]);
  });

  it('drops claims whose passages the agent does not hold, even when another agent holds them', () => {
    const documents = claimDocuments([
      finding('billing-expert', [
        { text: 'Webhooks retry for 24 hours.', passageIds: ['webhooks#2'] },
        { text: 'Uncited claim.', passageIds: [] },
      ], [invoices]),
      finding('integration-specialist', [{ text: 'Signatures use HMAC.', passageIds: ['webhooks#2'] }], [webhooks]),
    ]);
    expect(documents).toEqual<ClaimDocument[]>([{ text: 'Signatures use HMAC.', passage: webhooks }]);
  });

  it('lets a later agent supply a claim that an earlier agent could not support', () => {
    const documents = claimDocuments([
      finding('billing-expert', [{ text: 'Webhooks retry for 24 hours.', passageIds: ['webhooks#2'] }], []),
      finding('integration-specialist', [{ text: 'Webhooks retry for 24 hours.', passageIds: ['webhooks#2'] }], [webhooks]),
    ]);
    expect(documents).toEqual<ClaimDocument[]>([{ text: 'Webhooks retry for 24 hours.', passage: webhooks }]);
  });

  it('keeps two different claims from one passage as two documents', () => {
    const documents = claimDocuments([
      finding('billing-expert', [
        { text: 'Invoices are under Settings.', passageIds: ['invoices#1'] },
        { text: 'Invoices are emailed monthly.', passageIds: ['invoices#1'] },
      ], [invoices]),
    ]);
    expect(documents).toEqual<ClaimDocument[]>([
      { text: 'Invoices are under Settings.', passage: invoices },
      { text: 'Invoices are emailed monthly.', passage: invoices },
    ]);
  });
});

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
        documentId: 'document-https://status.example/#0',
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
