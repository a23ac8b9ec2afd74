import { describe, expect, it } from 'vitest';
import type { Citation, Passage, SynthesizedAnswer } from '../../domain/types.js';
import { FakeChatModel } from './__fixtures__/fake-chat-model.js';
import { checkGrounding } from './grounding-check.js';
import { scoreSupport } from './grounding.js';

const SOURCE = 'Webhook deliveries are retried up to 8 times over 24 hours with exponential backoff. Keys expire after 90 days.';
const passage: Passage = { id: 'kb#1', source: 'knowledge', documentId: 'kb', title: 'Webhooks', url: null, text: SOURCE, score: 1, updatedAt: null, untrusted: false };
const citation: Citation = { index: 1, passageId: 'kb#1', source: 'knowledge', documentId: 'kb', title: 'Webhooks', url: null, snippet: SOURCE };

function draft(text: string): SynthesizedAnswer {
  return { text, citations: [citation], confidence: 0.8, noAnswer: false, notice: null, llmCall: { purpose: 'synthesize', provider: 'offline', modelId: 'm', usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, latencyMs: 0, attempt: 1 } };
}

const OPTIONS = { minSupport: 0.5, maxUnsupportedShare: 0.5 };

describe('scoreSupport', () => {
  it('supports a paraphrase with the same facts', () => {
    expect(scoreSupport('Webhooks are retried up to 8 times within 24 hours.', SOURCE, 0.5).supported).toBe(true);
  });

  it.each([
    ['Webhook deliveries are retried up to 12 times over 24 hours.', /does not state 12/],
    ['Keys never expire.', /negation differs/],
    ['Invoices are emailed on the first day of each month.', /below 0.5/],
  ])('rejects %j', (sentence, reason) => {
    const score = scoreSupport(sentence, SOURCE, 0.5);
    expect(score.supported).toBe(false);
    expect(score.reason).toMatch(reason);
  });
});

describe('checkGrounding', () => {
  it('removes a sentence whose cited source does not support it and keeps the rest', async () => {
    const outcome = await checkGrounding(draft('Webhook deliveries are retried up to 8 times over 24 hours. [1] Keys expire after 90 days. [1] Failed deliveries are emailed to every admin. [1]'), [passage], OPTIONS);
    expect(outcome.check).toMatchObject({ verdict: 'warn', detail: 'removed 1 of 3 unsupported sentences' });
    expect(outcome.check.evidence).toEqual([{ kind: 'unsupported-sentence', message: expect.stringMatching(/below/) as string, excerpt: 'Failed deliveries are emailed to every admin.' }]);
    expect(outcome.answer.text).toBe('Webhook deliveries are retried up to 8 times over 24 hours. [1] Keys expire after 90 days. [1]');
    expect(outcome.escalation).toBeNull();
  });

  it('escalates with the original draft when most sentences are unsupported', async () => {
    const text = 'Webhooks are retried for 72 hours. [1] Keys never expire. [1] Keys expire after 90 days. [1]';
    const outcome = await checkGrounding(draft(text), [passage], OPTIONS);
    expect(outcome.escalation).toBe('2 of 3 sentences are not supported by their sources');
    expect(outcome.answer.text).toBe(text);
  });

  it('treats a sentence citing a quarantined passage as unsupported', async () => {
    const outcome = await checkGrounding(draft('Keys expire after 90 days. [1]'), [passage], { ...OPTIONS, quarantinedIds: new Set(['kb#1']) });
    expect(outcome.check.evidence?.[0]?.message).toBe('cites a quarantined passage');
    expect(outcome.escalation).toBe('no sentence of the draft is supported by a source');
  });

  it('lets a judge model decide, asking with structured output', async () => {
    const judge = new FakeChatModel([JSON.stringify({ verdicts: [{ index: 0, supported: true, reason: 'stated' }, { index: 1, supported: false, reason: 'the source says 90 days, not 30' }] })]);
    const outcome = await checkGrounding(draft('Webhook deliveries are retried up to 8 times. [1] Keys expire after 90 days, or 30 on trials. [1] Keys expire after 90 days. [1]'), [passage], { ...OPTIONS, judge });
    expect(judge.requests[0]?.responseFormat?.name).toBe('grounding_verdicts');
    expect(outcome.check.evidence?.[0]?.message).toMatch(/^judge: the source says 90 days, not 30/);
  });

  it('falls back to the heuristics when the judge fails, and says so', async () => {
    const judge = new FakeChatModel([new Error('529 overloaded')]);
    const outcome = await checkGrounding(draft('Keys expire after 90 days. [1]'), [passage], { ...OPTIONS, judge });
    expect(outcome.check.verdict).toBe('pass');
    expect(outcome.check.evidence).toEqual([{ kind: 'judge', message: 'judge model failed, heuristics decided: 529 overloaded' }]);
  });
});
