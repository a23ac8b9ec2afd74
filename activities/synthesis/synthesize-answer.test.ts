import { readFile } from 'node:fs/promises';
import matter from 'gray-matter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentFinding, Passage, SynthesizedAnswer } from '../../domain/types.js';
import { startActivityHarness, type ActivityHarness } from '../agents/__fixtures__/activity-harness.js';
import { claim, finding, passage } from '../agents/__fixtures__/findings.js';
import { ScriptedChatModel } from '../agents/__fixtures__/scripted-chat-model.js';
import { createBlackboardActivities } from '../agents/review-findings.js';
import { createAgentActivities } from '../agents/run-agent.js';
import type { ChatModel } from '../llm/chat-model.js';
import { OFFLINE_NO_ANSWER_TEXT, OfflineChatModel } from '../llm/offline-model.js';
import { parseCitedSentences } from '../llm/text.js';
import { chunkMarkdown } from '../retrieval/chunker.js';
import { MAX_ANSWER_WORDS } from './compose-answer.js';
import { createSynthesisActivities, OFFLINE_NOTICE } from './synthesize-answer.js';

const oldFaq = passage('refund-faq#0', 'Annual plans are refundable within 14 days of purchase.', { updatedAt: '2025-03-01T00:00:00.000Z', score: 0.3 });
const policy = passage('refund-policy#0', 'Annual plans are refundable within 30 days of purchase. Refunds reach your card within 5 business days.', {
  updatedAt: '2026-02-01T00:00:00.000Z',
  score: 0.45,
});
const question = 'Can I get a refund on my annual plan, and when does the money reach my card?';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness?.close();
});

async function synthesize(findings: AgentFinding[], chatModel: ChatModel = new OfflineChatModel(), ask = question) {
  const turn = await harness.newTurn();
  const answer = await createSynthesisActivities(harness.dependencies(chatModel)).synthesizeAnswer({ ...turn, question: ask, findings, agentsAsked: findings.length });
  const events = await harness.events(turn.conversationId);
  const streamed = events.filter((event) => event.type === 'token-delta').map((event) => String(event.payload.text)).join('');
  return { answer, events, streamed };
}

/** What every delivered answer must satisfy: citations only of given passages, every sentence cited, no repeats. */
function expectWellFormed(answer: SynthesizedAnswer, findings: AgentFinding[]): void {
  const given = new Set(findings.flatMap((item) => item.passages.map((cited) => cited.id)));
  expect(answer.citations.every((citation) => given.has(citation.passageId))).toBe(true);
  expect(answer.citations.map((citation) => citation.index)).toEqual(answer.citations.map((_, position) => position + 1));
  const sentences = parseCitedSentences(answer.text);
  const known = new Set(answer.citations.map((citation) => citation.index));
  expect(sentences.every((sentence) => sentence.documentNumbers.length > 0 && sentence.documentNumbers.every((number) => known.has(number)))).toBe(true);
  expect(new Set(sentences.map((sentence) => sentence.text.toLowerCase())).size).toBe(sentences.length);
}

describe('synthesizeAnswer with the offline model', () => {
  const billing = finding('billing-expert', [claim('Annual plans are refundable within 30 days of purchase.', policy), claim('Refunds reach your card within 5 business days.', policy)], [policy]);
  const success = finding('success-manager', [claim('Annual plans are refundable within 14 days of purchase.', oldFaq)], [oldFaq], {
    needsHuman: true,
    needsHumanReason: 'evidence is thin: the claims cover 25% of the question',
  });

  it('resolves a contradiction for the fresher source and writes one cited reply, streamed as written', async () => {
    const { answer, events, streamed } = await synthesize([success, billing]);
    expect(answer.text).toBe('Annual plans are refundable within 30 days of purchase. [1] Refunds reach your card within 5 business days. [1]');
    expect(answer.citations.map((citation) => citation.passageId)).toEqual(['refund-policy#0']);
    expect(answer.contradictions).toEqual([expect.objectContaining({ kind: 'number', status: 'resolved', winner: 1 })]);
    expect(answer).toMatchObject({ noAnswer: false, notice: OFFLINE_NOTICE, humanRequests: [{ agentId: 'success-manager', reason: 'evidence is thin: the claims cover 25% of the question' }] });
    expect(answer.confidenceBreakdown).toEqual({ agreement: 0.5, retrieval: 0.9, coverage: expect.any(Number) as number, contradictionPenalty: 0.05 });
    expect(streamed).toBe(answer.text);
    const finished = events.find((event) => event.type === 'stage-finished' && event.payload.stage === 'synthesize');
    expect(finished?.payload.summary).toMatch(/^1 citations, confidence [\d.]+ \(agreement 0.5, retrieval 0.9, coverage [\d.]+, penalty 0.05\), 1 contradictions \(0 surfaced\)$/);
    expectWellFormed(answer, [success, billing]);
  });

  it('is more confident when agents agree, and less when a contradiction stays surfaced', async () => {
    const single = (await synthesize([billing])).answer;
    const echo = finding('legal-agent', billing.claims, [policy]);
    const agreed = (await synthesize([billing, echo])).answer;
    const undated = passage('refund-faq#1', 'Annual plans are refundable within 14 days of purchase.', { score: 0.45 });
    const disputed = finding('success-manager', [claim('Annual plans are refundable within 14 days of purchase.', undated)], [undated]);
    const undatedPolicy = { ...policy, updatedAt: null };
    const surfaced = (await synthesize([finding('billing-expert', billing.claims, [undatedPolicy]), disputed])).answer;
    expect(agreed.confidence).toBeGreaterThan(single.confidence);
    expect(surfaced.contradictions).toEqual([expect.objectContaining({ status: 'surfaced' })]);
    expect(surfaced.confidence).toBeLessThan(single.confidence);
    expect(surfaced.text).not.toContain('14 days');
  });

  it('says it found nothing, with no citations and confidence 0, when no agent has cited evidence', async () => {
    const empty = finding('billing-expert', [], []);
    const { answer, streamed } = await synthesize([empty]);
    expect(answer).toMatchObject({ text: OFFLINE_NO_ANSWER_TEXT, citations: [], confidence: 0, noAnswer: true });
    expect(answer.confidenceBreakdown).toEqual({ agreement: 0, retrieval: 0, coverage: 0, contradictionPenalty: 0 });
    expect(streamed).toBe(OFFLINE_NO_ANSWER_TEXT);
  });
});

describe('synthesizeAnswer with a real model', () => {
  it('streams the prose live and keeps only citations of given passages, dropping invented markers', async () => {
    const billing = finding('billing-expert', [claim('Refunds reach your card within 5 business days.', policy)], [policy]);
    const model = new ScriptedChatModel(['Your refund reaches the card within 5 business days. [1] We also refund in cash at our offices. [7]']);
    const { answer, streamed } = await synthesize([billing], model);
    expect(model.requests[0]?.documents).toEqual([{ id: 'statement-1', title: policy.title, text: 'Refunds reach your card within 5 business days.' }]);
    expect(streamed).toBe('Your refund reaches the card within 5 business days. [1] We also refund in cash at our offices. [7]');
    expect(answer.text).toBe('Your refund reaches the card within 5 business days. [1] We also refund in cash at our offices. ');
    expect(answer.citations.map((citation) => citation.passageId)).toEqual(['refund-policy#0']);
    expect(answer).toMatchObject({ noAnswer: false, notice: null, llmCall: { provider: 'scripted', costUsd: 0.0012 } });
  });

  it('replaces the streamed text with the composed reply when a router falls back to the offline model', async () => {
    const offline = new OfflineChatModel();
    const router: ChatModel = { provider: 'router', modelId: 'adaptive', generate: (request) => offline.generate(request), stream: (request) => offline.stream(request) };
    const billing = finding('billing-expert', [claim('Annual plans are refundable within 30 days of purchase.', policy), claim('Refunds reach your card within 5 business days.', policy)], [policy]);
    const { answer, events } = await synthesize([billing], router);
    const reset = events.findIndex((event) => event.type === 'stream-reset');
    expect(events[reset]?.payload).toEqual({ attempt: 1, reason: 'extractive answer composed' });
    const afterReset = events.slice(reset).filter((event) => event.type === 'token-delta').map((event) => String(event.payload.text)).join('');
    expect(afterReset).toBe(answer.text);
    expect(answer.notice).toBe(OFFLINE_NOTICE);
  });

  it('treats prose without any valid citation as no answer and strips its markers', async () => {
    const billing = finding('billing-expert', [claim('Refunds reach your card within 5 business days.', policy)], [policy]);
    const { answer } = await synthesize([billing], new ScriptedChatModel(['I could not find that. [4]']));
    expect(answer).toMatchObject({ text: 'I could not find that. ', citations: [], confidence: 0, noAnswer: true });
  });
});

/** Chunks of the demo help-center articles, as the knowledge retrieval would return them. */
async function demoPassages(...slugs: string[]): Promise<Passage[]> {
  const passages: Passage[] = [];
  for (const slug of slugs) {
    const file = matter(await readFile(new URL(`../retrieval/demo-knowledge/${slug}.md`, import.meta.url), 'utf8'));
    const { title, updated } = file.data as { title: string; updated: string };
    for (const chunk of chunkMarkdown(file.content, { maxTokens: 120, overlapTokens: 0 })) {
      passages.push(passage(`${slug}#${chunk.ordinal}`, chunk.text, { documentId: slug, title, updatedAt: new Date(updated).toISOString(), score: 0.4 }));
    }
  }
  return passages;
}

describe('the collaboration pipeline on the demo knowledge (offline)', () => {
  it('drafts, reviews and synthesizes one coherent, bounded, cited reply', async () => {
    const passages = await demoPassages('refund-policy', 'invoices', 'change-plan-and-proration');
    const ask = 'Can I get a refund for my annual plan?';
    const dependencies = harness.dependencies(new OfflineChatModel());
    const turn = await harness.newTurn();
    const agents = ['billing-expert', 'success-manager'];
    const drafted = await Promise.all(agents.map((agentId) => createAgentActivities(dependencies).runAgent({ ...turn, agentId, question: ask, passages, history: [] })));
    const reviewed = await Promise.all(
      agents.map((agentId) => createBlackboardActivities(dependencies).reviewFindings({ ...turn, agentId, question: ask, findings: drafted, passages })),
    );
    const findings = reviewed.map((result) => result.finding);
    const { answer } = await synthesize(findings, new OfflineChatModel(), ask);
    expectWellFormed(answer, findings);
    expect(answer.noAnswer).toBe(false);
    expect(answer.text.replace(/\[\d+\]/g, '').split(/\s+/).filter(Boolean).length).toBeLessThanOrEqual(MAX_ANSWER_WORDS + 10);
    // The agents' claims, deduplicated across agents, in the article's order, one citation for one passage.
    expect(answer.text).toBe(
      'If you cancel a new annual subscription within 14 days of the first payment, you receive a full refund. [1] ' +
        'This applies only to the first annual purchase of a workspace, not to renewals or to upgrades of an existing annual plan. [1] ' +
        'After the 14 days, annual plans are not refunded, and the plan stays active until the end of the term. [1] ' +
        'We send a renewal reminder 30 days before each annual renewal, so you can change or cancel the plan in time. [1]',
    );
    expect(answer.citations.map((citation) => citation.title)).toEqual(['Refund policy']);
    expect(reviewed.flatMap((result) => result.stances.map((stance) => stance.kind))).toContain('confirm');
    expect(answer.confidenceBreakdown).toEqual({ agreement: 0.75, retrieval: 0.8, coverage: 1, contradictionPenalty: 0 });
    expect(answer.confidence).toBe(0.877);
  });
});
