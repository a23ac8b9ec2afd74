/**
 * The offline extractive model: the default `ChatModel` of the embedded mode (no API keys, no network).
 * It never writes new prose: it picks the sentences of `request.documents` that best match the question
 * (BM25 over the documents' sentences) and cites each one, so every word it outputs is grounded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenUsage } from '../../domain/types.js';
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart, GroundingDocument } from './chat-model.js';
import { SentenceKind, countTokens, segmentSentences, terms } from './text.js';
import { memoizeByText } from './text-memo.js';

/** Re-exported: the pipeline parses every model's output with it, not only this model's. */
export { parseCitedSentences, type CitedSentence } from './text.js';

/** What the offline model answers when no document sentence is relevant to the question. */
export const OFFLINE_NO_ANSWER_TEXT =
  'Nothing relevant to this question was found in the knowledge base, so I will not guess an answer.';

/** Options of {@link OfflineChatModel}. */
export interface OfflineChatModelOptions {
  /** Waited on every call before the first output (`AGENTCRAFT_OFFLINE_LATENCY_MS`), to make demos feel real. */
  latencyMs?: number;
}

/** Per-call options beyond the `ChatModel` interface: cancellation of the latency wait. */
export interface OfflineCallOptions {
  abortSignal?: AbortSignal;
}

const MAX_SENTENCES = 4;
/** Share of the question's IDF weight a sentence must cover to count as relevant. */
const MIN_COVERAGE = 0.4;
/** What a question term found only in the title or section heading counts for, toward coverage. */
const CONTEXT_COVERAGE = 0.5;
/** Share of the question's IDF weight the documents together must contain, or nothing is relevant. */
const MIN_COLLECTION_COVERAGE = 0.5;
/** Sentences scoring under this share of the best score are dropped (keeps the answer focused). */
const RELATIVE_CUTOFF = 0.4;
/** Sentences covering less than this share of the best coverage answer a different question. */
const RELATIVE_COVERAGE = 0.7;
/** Score boost for question terms found in the document title or the sentence's section heading. */
const CONTEXT_BONUS = 0.3;
/** Term-set Jaccard similarity at which a sentence counts as a near-duplicate of one already chosen. */
const DUPLICATE_SIMILARITY = 0.7;
/** How much a sentence's score depends on the evidence of its whole document (0: not at all). */
const DOCUMENT_WEIGHT = 0.5;
/** Number of best sentences whose scores make up a document's evidence. */
const EVIDENCE_SENTENCES = 3;
/** Stemmed question words that say how to ask, not what about ("how long", "what happens"). */
const QUESTION_FILLER = new Set([
  ...['long', 'often', 'happen', 'need', 'want', 'know', 'tell'],
  ...['hi', 'hello', 'thank', 'possibl', 'abl', 'offer'],
  // Asking for a person is for the router and QA (escalation); it says nothing about the topic.
  ...['talk', 'speak', 'human', 'person', 'someon', 'real', 'repres'],
]);
const BM25_K1 = 1.2;
/** Weak length normalization: sentences vary less in length than documents, and long ones are often the best. */
const BM25_B = 0.3;

interface Candidate {
  documentIndex: number;
  position: number;
  text: string;
  kind: SentenceKind;
  terms: string[];
  contextTerms: Set<string>;
}

interface Scored extends Candidate {
  score: number;
  coverage: number;
}

/** Deterministic, extractive `ChatModel`: answers only from `request.documents`, citing every sentence. */
export class OfflineChatModel implements ChatModel {
  readonly provider = 'offline';
  readonly modelId = 'offline-extractive-v1';
  private readonly latencyMs: number;

  constructor(options: OfflineChatModelOptions = {}) {
    this.latencyMs = Math.max(0, options.latencyMs ?? 0);
  }

  async generate(request: ChatRequest, options: OfflineCallOptions = {}): Promise<ChatResult> {
    await this.waitLatency(options.abortSignal);
    return this.answer(request);
  }

  async *stream(request: ChatRequest, options: OfflineCallOptions = {}): AsyncGenerator<ChatStreamPart> {
    await this.waitLatency(options.abortSignal);
    const result = this.answer(request);
    for (const piece of result.text.split(/(?<=\s)(?=\S)/)) {
      if (piece !== '') yield { type: 'text-delta', text: piece };
    }
    yield { type: 'finish', result };
  }

  private async waitLatency(abortSignal: AbortSignal | undefined): Promise<void> {
    abortSignal?.throwIfAborted();
    if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: abortSignal });
  }

  private answer(request: ChatRequest): ChatResult {
    const question = [...request.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
    const documents = request.documents ?? [];
    const chosen = selectSentences(question, documents, request.maxOutputTokens);
    const text = chosen.kind === 'none' ? OFFLINE_NO_ANSWER_TEXT : chosen.sentences.map(formatCited).join(' ');
    return {
      text,
      usage: usageOf(request, text),
      finishReason: chosen.kind === 'truncated' ? 'length' : 'stop',
      provider: this.provider,
      modelId: this.modelId,
    };
  }
}

function formatCited(sentence: Candidate): string {
  return `${sentence.text} [${sentence.documentIndex + 1}]`;
}

/** Token counts of prompt parts, remembered: system prompts and documents repeat from call to call. */
const promptTokens = memoizeByText((part: string): number => countTokens(part));

function usageOf(request: ChatRequest, text: string): TokenUsage {
  const prompt = [
    request.system ?? '',
    ...request.messages.map((message) => message.content),
    ...(request.documents ?? []).flatMap((document) => [document.title, document.text]),
  ];
  return { inputTokens: prompt.reduce((sum, part) => sum + promptTokens(part), 0), outputTokens: countTokens(text) };
}

type Selection = { kind: 'none' } | { kind: 'answer' | 'truncated'; sentences: Candidate[] };

/** Picks the relevant sentences: best first under the limits, then back in document order. */
function selectSentences(question: string, documents: GroundingDocument[], maxOutputTokens: number | undefined): Selection {
  const queryTerms = [...new Set(terms(question))].filter((term) => !QUESTION_FILLER.has(term));
  const candidates = documents.flatMap((document, documentIndex) => candidatesOf(document, documentIndex));
  if (queryTerms.length === 0 || candidates.length === 0) return { kind: 'none' };
  const idf = inverseDocumentFrequencies(queryTerms, candidates);
  const totalWeight = sumOf(queryTerms.map((term) => idf.get(term) ?? 0));
  const known = queryTerms.filter((term) => candidates.some((candidate) => candidate.terms.includes(term) || candidate.contextTerms.has(term)));
  if (sumOf(known.map((term) => idf.get(term) ?? 0)) < MIN_COLLECTION_COVERAGE * totalWeight) return { kind: 'none' };
  // Coverage is measured over the terms the documents know: words no document contains ("talk to a
  // human") cannot be answered by any sentence, and the check above already rejects off-topic questions.
  const scored = scoreCandidates(known, candidates, idf).filter((candidate) => candidate.coverage >= MIN_COVERAGE && candidate.score > 0);
  if (scored.length === 0) return { kind: 'none' };
  const chosen = pickWithinLimits(scored, maxOutputTokens ?? Number.POSITIVE_INFINITY);
  // Relevant sentences exist but none fits in `maxOutputTokens`: an empty, length-limited answer.
  if (chosen.length === 0) return { kind: 'truncated', sentences: [] };
  chosen.sort((left, right) => left.documentIndex - right.documentIndex || left.position - right.position);
  return { kind: 'answer', sentences: chosen };
}

/** Best first: up to `MAX_SENTENCES`, close enough to the best, no near-duplicates, within the token budget. */
function pickWithinLimits(scored: Scored[], tokenBudget: number): Scored[] {
  const ranked = [...scored].sort(
    (left, right) => right.score - left.score || left.documentIndex - right.documentIndex || left.position - right.position,
  );
  const best = ranked[0]?.score ?? 0;
  const bestCoverage = Math.max(...ranked.map((candidate) => candidate.coverage));
  const chosen: Scored[] = [];
  let budget = tokenBudget;
  for (const candidate of ranked) {
    if (chosen.length >= MAX_SENTENCES || candidate.score < best * RELATIVE_CUTOFF) break;
    if (candidate.coverage < bestCoverage * RELATIVE_COVERAGE) continue;
    if (chosen.some((other) => similarity(other.terms, candidate.terms) >= DUPLICATE_SIMILARITY)) continue;
    const cost = countTokens(formatCited(candidate));
    if (cost > budget) continue;
    budget -= cost;
    chosen.push(candidate);
  }
  return chosen;
}

/** Headings and code lines shape the scores (IDF, section context) but are never quoted as answers. */
function isSelectable(candidate: Candidate): boolean {
  return candidate.kind !== SentenceKind.heading && candidate.kind !== SentenceKind.code && candidate.terms.length >= 2;
}

/**
 * A document's sentences with their terms and section context, remembered per title and text: every agent
 * and the synthesis read the same retrieved passages, and the knowledge base's passages recur across turns.
 */
const sentencesOfDocument = memoizeByText((key: string): readonly Omit<Candidate, 'documentIndex'>[] => {
  const [title, text] = JSON.parse(key) as [string, string];
  const titleTerms = terms(title);
  let headingTerms: string[] = [];
  return segmentSentences(text).map((sentence, position) => {
    const sentenceTerms = terms(sentence.text);
    if (sentence.kind === SentenceKind.heading) headingTerms = sentenceTerms;
    const contextTerms = new Set([...titleTerms, ...headingTerms]);
    return { position, text: sentence.text, kind: sentence.kind, terms: sentenceTerms, contextTerms };
  });
}, 500);

function candidatesOf(document: GroundingDocument, documentIndex: number): Candidate[] {
  return sentencesOfDocument(JSON.stringify([document.title, document.text])).map((sentence) => ({ documentIndex, ...sentence }));
}

/**
 * BM25 with the sentences of the given documents as the collection (IDF from them too), boosted when
 * the title or section heading matches the question, and weighted by how much evidence the sentence's
 * document holds overall, so answers come from the document that is really about the question.
 */
function scoreCandidates(queryTerms: string[], candidates: Candidate[], idf: Map<string, number>): Scored[] {
  const totalWeight = sumOf(queryTerms.map((term) => idf.get(term) ?? 0)) || 1;
  const averageLength = sumOf(candidates.map((candidate) => candidate.terms.length)) / candidates.length || 1;
  const scored = candidates.filter(isSelectable).map((candidate) => {
    let bm25 = 0;
    let sentenceWeight = 0;
    let contextWeight = 0;
    let contextOnlyWeight = 0;
    const lengthNorm = 1 - BM25_B + (BM25_B * candidate.terms.length) / averageLength;
    for (const term of queryTerms) {
      const weight = idf.get(term) ?? 0;
      const frequency = candidate.terms.filter((candidateTerm) => candidateTerm === term).length;
      const inContext = candidate.contextTerms.has(term);
      if (frequency > 0) sentenceWeight += weight;
      if (inContext) contextWeight += weight;
      if (inContext && frequency === 0) contextOnlyWeight += weight;
      bm25 += (weight * frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * lengthNorm);
    }
    const coverage = (sentenceWeight + CONTEXT_COVERAGE * contextOnlyWeight) / totalWeight;
    return { ...candidate, score: bm25 * (1 + (CONTEXT_BONUS * contextWeight) / totalWeight), coverage };
  });
  const evidence = documentEvidence(scored);
  const strongest = Math.max(0, ...evidence.values()) || 1;
  return scored.map((candidate) => ({
    ...candidate,
    score: candidate.score * (1 - DOCUMENT_WEIGHT + (DOCUMENT_WEIGHT * (evidence.get(candidate.documentIndex) ?? 0)) / strongest),
  }));
}

function inverseDocumentFrequencies(queryTerms: string[], candidates: Candidate[]): Map<string, number> {
  const wanted = new Set(queryTerms);
  const frequency = new Map<string, number>();
  for (const candidate of candidates) {
    for (const term of new Set(candidate.terms)) if (wanted.has(term)) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  }
  const count = candidates.length;
  return new Map(
    queryTerms.map((term) => {
      const documents = frequency.get(term) ?? 0;
      return [term, Math.log(1 + (count - documents + 0.5) / (documents + 0.5))];
    }),
  );
}

function sumOf(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

/** Sum of the best few sentence scores of each document. */
function documentEvidence(scored: Scored[]): Map<number, number> {
  const byDocument = new Map<number, number[]>();
  for (const candidate of scored) byDocument.set(candidate.documentIndex, [...(byDocument.get(candidate.documentIndex) ?? []), candidate.score]);
  const evidence = new Map<number, number>();
  for (const [documentIndex, scores] of byDocument) {
    const top = scores.sort((left, right) => right - left).slice(0, EVIDENCE_SENTENCES);
    evidence.set(documentIndex, sumOf(top));
  }
  return evidence;
}

function similarity(left: string[], right: string[]): number {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  const shared = [...leftSet].filter((term) => rightSet.has(term)).length;
  const union = leftSet.size + rightSet.size - shared;
  return union === 0 ? 1 : shared / union;
}
