/**
 * Grounding: every sentence of an answer must be supported by the sources it cites. Support is measured
 * lexically (share of the sentence's stemmed terms found in the cited text) and by character trigrams
 * (robust to inflection, compounds and typos); numbers in the sentence must appear in the cited text, and
 * a negation the closest source sentence lacks (or has) counts against support. Pure functions.
 */
import { splitSentences, terms } from '../llm/text.js';
import { parseCitedSentences } from '../llm/text.js';
import { memoizeByText } from '../llm/text-memo.js';
import type { Passage, SynthesizedAnswer } from '../../domain/types.js';

/** How well one sentence is supported by the text it cites. */
export interface SentenceSupport {
  sentence: string;
  documentNumbers: number[];
  supported: boolean;
  /** 0–1: the mean of lexical and character-trigram support (0 when nothing citable). */
  score: number;
  reason: string;
}

const NEGATION = /\b(?:not|never|no|none|cannot|can't|won't|doesn't|don't|isn't|aren't|wasn't|weren't|without|neither|nor|unable)\b|n't\b/i;
const NUMBER = /\d+(?:[.,]\d+)*/g;

function normalizedNumbers(text: string): string[] {
  return (text.match(NUMBER) ?? []).map((number) => number.replace(/,(?=\d{3}\b)/g, '').replace(/\.0+$/, ''));
}

function trigrams(text: string): Set<string> {
  const normalized = ` ${text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
  const grams = new Set<string>();
  for (let index = 0; index + 3 <= normalized.length; index += 1) grams.add(normalized.slice(index, index + 3));
  return grams;
}

/** Share of `part`'s items found in `whole` (1 when `part` is empty). */
function containment<T>(part: Set<T>, whole: Set<T>): number {
  if (part.size === 0) return 1;
  let shared = 0;
  for (const item of part) if (whole.has(item)) shared += 1;
  return shared / part.size;
}

/** What scoring needs of a cited text, computed once per text: a draft cites the same passages sentence after sentence. */
interface SourceProfile {
  terms: Set<string>;
  trigrams: Set<string>;
  numbers: Set<string>;
  sentences: { text: string; terms: Set<string> }[];
}

const profileOf = memoizeByText(
  (source: string): SourceProfile => ({
    terms: new Set(terms(source)),
    trigrams: trigrams(source),
    numbers: new Set(normalizedNumbers(source)),
    sentences: splitSentences(source).map((text) => ({ text, terms: new Set(terms(text)) })),
  }),
  500,
);

/** The source sentence sharing the most terms with `sentence`. */
function closestSentence(sentence: string, source: SourceProfile): string {
  const wanted = new Set(terms(sentence));
  let best = '';
  let bestScore = -1;
  for (const candidate of source.sentences) {
    const score = containment(wanted, candidate.terms);
    if (score > bestScore) [best, bestScore] = [candidate.text, score];
  }
  return best;
}

/** Scores how well `source` supports `sentence`, with the reason when it does not. */
export function scoreSupport(sentence: string, source: string, minSupport: number): { supported: boolean; score: number; reason: string } {
  const profile = profileOf(source);
  const lexical = containment(new Set(terms(sentence)), profile.terms);
  const characters = containment(trigrams(sentence), profile.trigrams);
  const score = Math.round(((lexical + characters) / 2) * 100) / 100;
  const missing = normalizedNumbers(sentence).filter((number) => !profile.numbers.has(number));
  if (missing.length > 0) return { supported: false, score, reason: `the cited text does not state ${missing.join(', ')}` };
  const closest = closestSentence(sentence, profile);
  if (NEGATION.test(sentence) !== NEGATION.test(closest)) return { supported: false, score, reason: 'the cited text says the opposite (negation differs)' };
  if (score < minSupport) return { supported: false, score, reason: `support ${score} is below ${minSupport}` };
  return { supported: true, score, reason: `support ${score} (lexical ${lexical.toFixed(2)}, characters ${characters.toFixed(2)})` };
}

/** The text behind each citation number: the cited passage when the caller passed it, else the snippet. */
export function citedTexts(draft: SynthesizedAnswer, sources: Passage[], quarantinedIds: Set<string> = new Set()): Map<number, string | null> {
  const texts = new Map<number, string | null>();
  for (const citation of draft.citations) {
    const passage = sources.find((candidate) => candidate.id === citation.passageId);
    texts.set(citation.index, quarantinedIds.has(citation.passageId) ? null : (passage?.text ?? citation.snippet));
  }
  return texts;
}

/** Scores every sentence of the draft against the text it cites. A quarantined source supports nothing. */
export function assessGrounding(draft: SynthesizedAnswer, sources: Passage[], minSupport: number, quarantinedIds: Set<string> = new Set()): SentenceSupport[] {
  const texts = citedTexts(draft, sources, quarantinedIds);
  return parseCitedSentences(draft.text).map(({ text: sentence, documentNumbers }) => {
    const base = { sentence, documentNumbers };
    if (documentNumbers.length === 0) return { ...base, supported: false, score: 0, reason: 'cites no source' };
    if (documentNumbers.some((number) => !texts.has(number))) return { ...base, supported: false, score: 0, reason: 'cites a source that is not in the answer' };
    const cited = documentNumbers.map((number) => texts.get(number));
    if (cited.some((text) => text === null)) return { ...base, supported: false, score: 0, reason: 'cites a quarantined passage' };
    return { ...base, ...scoreSupport(sentence, cited.join('\n'), minSupport) };
  });
}

/** The draft rebuilt from the supported sentences, keeping only the citations they use. */
export function keepSupported(draft: SynthesizedAnswer, assessed: SentenceSupport[]): SynthesizedAnswer {
  const kept = assessed.filter((entry) => entry.supported);
  const used = new Set(kept.flatMap((entry) => entry.documentNumbers));
  const text = kept.map((entry) => `${entry.sentence} ${entry.documentNumbers.map((number) => `[${number}]`).join('')}`).join(' ');
  return { ...draft, text, citations: draft.citations.filter((citation) => used.has(citation.index)) };
}
