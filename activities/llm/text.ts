/**
 * Shared text utilities for retrieval and the offline model: sentence splitting that understands
 * help-center Markdown, search terms (stopwords removed, Porter-stemmed) and an approximate token count.
 * Pure functions, no I/O.
 */
import { stemmer } from 'stemmer';
import { eng, removeStopwords } from 'stopword';

/** What kind of Markdown block a sentence came from. */
export const SentenceKind = {
  heading: 'heading',
  listItem: 'list-item',
  paragraph: 'paragraph',
  tableRow: 'table-row',
  code: 'code',
} as const;
export type SentenceKind = (typeof SentenceKind)[keyof typeof SentenceKind];

/** One sentence and the kind of block it came from. */
export interface Sentence {
  text: string;
  kind: SentenceKind;
}

interface Block {
  kind: SentenceKind;
  text: string;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,3}[.)]|[a-z][.)])\s+(.*)$/;
const TABLE_ROW = /^\s*\|(.*?)\|?\s*$/;
const QUOTE = /^\s*>\s?(.*)$/;
/** Spans a sentence boundary must never fall inside: URLs, e-mail addresses, inline code. */
const PROTECTED = /\bhttps?:\/\/[^\s<>()\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|`[^`\n]*`/g;
/** Abbreviations that practically never end a sentence. */
const ALWAYS_ABBREVIATIONS = new Set(['e.g', 'i.e', 'cf', 'vs', 'approx', 'incl', 'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr']);
/** Abbreviations that precede a number ("No. 5", "Fig. 3"). */
const NUMBER_ABBREVIATIONS = new Set(['no', 'fig', 'p', 'pp', 'vol', 'ch', 'sec', 'art', 'nr']);
const CITATION_GROUP = /^\s*(?:\[\d+(?:\s*,\s*\d+)*\]\s*)+/;
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Splits help-center text (plain or Markdown) into sentences with their block kind. Headings, list
 * items, table rows and code lines are sentences of their own; Markdown markers (`##`, `-`, `1.`) are
 * removed; abbreviations ("e.g.", "Dr."), decimal numbers ("1.5") and URLs do not end a sentence; citation
 * markers (`[2]`) stay with the sentence before them. Whitespace runs are collapsed to one space, so each
 * sentence is verbatim from the input up to whitespace.
 */
export function segmentSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const block of parseBlocks(text)) {
    const pieces = isProse(block.kind) ? splitProse(block.text) : [block.text];
    for (const piece of pieces) {
      const cleaned = collapseWhitespace(piece);
      if (HAS_WORD.test(cleaned)) sentences.push({ text: cleaned, kind: block.kind });
    }
  }
  return sentences;
}

/** The sentences of `text` (see {@link segmentSentences}), without their kinds. */
export function splitSentences(text: string): string[] {
  return segmentSentences(text).map((sentence) => sentence.text);
}

/** Collapses every whitespace run to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function parseBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  let inFence = false;
  const flush = (): void => {
    if (current) blocks.push(current);
    current = null;
  };
  for (const line of text.split(/\r?\n/)) {
    if (FENCE.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    const lineBlock = inFence ? { kind: SentenceKind.code, text: line } : classifyLine(line);
    if (lineBlock === null) {
      flush();
    } else if (lineBlock.kind === SentenceKind.paragraph && current !== null && isProse(current.kind)) {
      current.text += ` ${lineBlock.text}`; // a soft-wrapped continuation line
    } else {
      flush();
      current = lineBlock;
      if (!isProse(lineBlock.kind)) flush();
    }
  }
  flush();
  return blocks;
}

/** Paragraphs and list items can span lines and hold several sentences; other blocks are one line each. */
function isProse(kind: SentenceKind): boolean {
  return kind === SentenceKind.paragraph || kind === SentenceKind.listItem;
}

/** Classifies one line outside code fences; `null` for a blank line (a block separator). */
function classifyLine(line: string): Block | null {
  if (line.trim() === '') return null;
  const heading = HEADING.exec(line);
  if (heading) return { kind: SentenceKind.heading, text: heading[1] ?? '' };
  const listItem = LIST_ITEM.exec(line);
  if (listItem) return { kind: SentenceKind.listItem, text: listItem[1] ?? '' };
  const tableRow = TABLE_ROW.exec(line);
  if (tableRow) return { kind: SentenceKind.tableRow, text: tableRow[1] ?? '' };
  const quote = QUOTE.exec(line);
  return { kind: SentenceKind.paragraph, text: quote ? (quote[1] ?? '') : line };
}

/** Splits prose with `Intl.Segmenter`, then removes the boundaries it gets wrong. */
function splitProse(text: string): string[] {
  const protectedSpans = [...text.matchAll(PROTECTED)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
  const boundaries: number[] = [];
  let previous = 0;
  for (const { index } of segmenter.segment(text)) {
    if (index === 0) continue;
    const boundary = adjustBoundary(text, previous, index, protectedSpans);
    if (boundary !== null && boundary > previous && boundary < text.length) {
      boundaries.push(boundary);
      previous = boundary;
    }
  }
  const pieces: string[] = [];
  let start = 0;
  for (const boundary of [...boundaries, text.length]) {
    pieces.push(text.slice(start, boundary));
    start = boundary;
  }
  return pieces;
}

/** Returns where the boundary really goes, or `null` when there is no boundary here. */
function adjustBoundary(text: string, previous: number, index: number, protectedSpans: { start: number; end: number }[]): number | null {
  if (protectedSpans.some((span) => span.start < index && index < span.end)) return null;
  const before = text.slice(previous, index).trimEnd();
  const after = text.slice(index);
  if (/^(?:\d{1,3}|[a-z])[.)]$/.test(before)) return null;
  const lastWord = /(?:^|[\s(])([\p{L}.]+)\.$/u.exec(before)?.[1]?.toLowerCase();
  if (lastWord !== undefined) {
    if (ALWAYS_ABBREVIATIONS.has(lastWord)) return null;
    if (NUMBER_ABBREVIATIONS.has(lastWord) && /^\d/.test(after)) return null;
  }
  const citations = CITATION_GROUP.exec(after);
  return citations ? index + citations[0].length : index;
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:(?:['’]|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{M}\p{N}]+)*/gu;
/**
 * The package's English list (108 words) plus function words it lacks: prepositions, pronouns, auxiliaries
 * and contractions ("during", "does", "yours", "don't"). Negations ("no", "not") stay: they carry meaning.
 */
const STOPWORDS = [
  ...eng,
  ...['above', 'across', 'again', 'against', 'along', 'among', 'below', 'during', 'either', 'further', 'neither', 'nor'],
  ...['off', 'once', 'onto', 'own', 'per', 'so', 'until', 'upon', 'via', 'whether', 'within', 'without', 'yet', 'why'],
  ...['its', 'itself', 'myself', 'ours', 'ourselves', 'yours', 'yourself', 'yourselves', 'themselves', 'whom', 'whose'],
  ...['does', 'doing', 'having', 'will', 'shall', 'may', 'cannot', 'let', 'just', 'please'],
  ...["doesn't", "don't", "can't", "won't", "isn't", "aren't", "i'm", "i've", "i'd", "it's", "you're", "we're"],
];

/**
 * Search terms of `text`: NFKC-normalized, lowercased Unicode words (decimals like "1.5" and
 * contractions stay whole), English stopwords and single letters removed, Porter-stemmed. Order and
 * duplicates are kept (term frequency matters to scoring).
 */
export function terms(text: string): string[] {
  const words = (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).map((word) => word.replace(/’/g, "'").replace(/'s$/, ''));
  return removeStopwords(words, STOPWORDS)
    .filter((word) => !(word.length === 1 && /\p{L}/u.test(word)))
    .map((word) => stemmer(word));
}

const TOKEN = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

/** Start and end offsets of each token piece counted by {@link countTokens}. */
export function tokenSpans(text: string): { start: number; end: number }[] {
  return [...text.matchAll(TOKEN)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
}

/**
 * Approximate token count: the number of word pieces (runs of letters and digits) plus punctuation
 * characters. Close enough for budgets, chunk sizes and offline usage figures; real provider counts
 * come from the provider (a real tokenizer arrives with the LLM router). Additive across whitespace:
 * `countTokens(a + ' ' + b) === countTokens(a) + countTokens(b)`.
 */
export function countTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/** A sentence of model output and the 1-based document numbers (`[n]` markers) it cites. */
export interface CitedSentence {
  text: string;
  documentNumbers: number[];
}

const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\](?!\()/g;

/**
 * Turns model output with `[n]` markers (also `[1][2]`, `[1, 2]`) back into claims, one per sentence.
 * Markers after a sentence's full stop belong to that sentence; a sentence without markers comes back
 * with no document numbers, so grounding checks can see it. Works on the output of any model.
 */
export function parseCitedSentences(text: string): CitedSentence[] {
  const claims: CitedSentence[] = [];
  for (const sentence of segmentSentences(text)) {
    const documentNumbers = [...sentence.text.matchAll(CITATION)].flatMap((match) =>
      (match[1] ?? '').split(',').map((number) => Number(number.trim())),
    );
    const claim = collapseWhitespace(sentence.text.replace(CITATION, ' ')).replace(/\s+([.,;:!?])/g, '$1');
    if (claim !== '') claims.push({ text: claim, documentNumbers: [...new Set(documentNumbers)] });
  }
  return claims;
}
