/**
 * Heading-aware Markdown chunking for the knowledge base. A chunk never crosses a heading, carries the
 * path of headings above it, and stays within a token budget; long sections are split at paragraph,
 * line and sentence boundaries with a small overlap so a fact cut at a boundary is still found whole.
 */
import { countTokens, splitSentences, tokenSpans } from '../llm/text.js';

/** Size limits of {@link chunkMarkdown}, in {@link countTokens} tokens. */
export interface ChunkOptions {
  /** Upper bound of every chunk's size. */
  maxTokens: number;
  /** How much of the end of a chunk is repeated at the start of the next chunk of the same section. */
  overlapTokens: number;
}

/** One chunk of a Markdown document. */
export interface MarkdownChunk {
  /** 0-based position in the document; stable for the same input and options. */
  ordinal: number;
  /** Headings above the chunk, outermost first (empty before the first heading). */
  headingPath: string[];
  /** `headingPath` joined with " > ", or `null` before the first heading. */
  heading: string | null;
  /** The chunk's Markdown, without its headings. */
  text: string;
}

interface Section {
  headingPath: string[];
  lines: string[];
}

interface Unit {
  text: string;
  tokens: number;
  /** Whitespace that joins this unit to the one before it in the same chunk. */
  separator: string;
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const LIST_MARKER = /^\s*(?:[-*+]|\d{1,3}[.)])\s+/;
const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Splits a Markdown body into chunks of at most `maxTokens` tokens. A section (the text under one
 * heading) that fits is one chunk, verbatim; a longer one is packed from paragraphs, lines and sentences,
 * and consecutive chunks of a section share up to `overlapTokens` tokens. Empty sections are skipped.
 */
export function chunkMarkdown(body: string, options: ChunkOptions): MarkdownChunk[] {
  const { maxTokens, overlapTokens } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens) {
    throw new RangeError(`overlapTokens must be an integer in [0, maxTokens), got ${overlapTokens}`);
  }
  const chunks: MarkdownChunk[] = [];
  for (const section of parseSections(body)) {
    const text = section.lines.join('\n').trim();
    if (!HAS_WORD.test(text)) continue;
    const texts = countTokens(text) <= maxTokens ? [text] : packUnits(unitsOf(text, maxTokens), maxTokens, overlapTokens);
    for (const chunkText of texts) {
      const heading = section.headingPath.length > 0 ? section.headingPath.join(' > ') : null;
      chunks.push({ ordinal: chunks.length, headingPath: section.headingPath, heading, text: chunkText });
    }
  }
  return chunks;
}

/** Splits the body at headings (outside code fences), tracking the heading path by level. */
function parseSections(body: string): Section[] {
  const sections: Section[] = [{ headingPath: [], lines: [] }];
  let path: { level: number; title: string }[] = [];
  let inFence = false;
  for (const line of body.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      path = [...path.filter((entry) => entry.level < level), { level, title: (heading[2] ?? '').trim() }];
      sections.push({ headingPath: path.map((entry) => entry.title), lines: [] });
    } else {
      sections.at(-1)?.lines.push(line);
    }
  }
  return sections;
}

/** Breaks a section into pieces that each fit in `maxTokens`, with the whitespace that joins them. */
function unitsOf(text: string, maxTokens: number): Unit[] {
  const units: Unit[] = [];
  for (const [blockIndex, block] of splitBlocks(text).entries()) {
    const blockSeparator = blockIndex === 0 ? '' : '\n\n';
    const pieces = countTokens(block) <= maxTokens ? [{ text: block, separator: blockSeparator }] : splitBlock(block, blockSeparator);
    for (const piece of pieces) {
      const tokens = countTokens(piece.text);
      if (tokens <= maxTokens) units.push({ ...piece, tokens });
      else units.push(...hardSplit(piece.text, maxTokens).map((part, index) => ({ ...part, separator: index === 0 ? piece.separator : ' ' })));
    }
  }
  return units.filter((unit) => unit.tokens > 0);
}

/** Paragraphs, lists, tables and code fences, separated by blank lines (never inside a fence). */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    if (!inFence && line.trim() === '') {
      if (current.length > 0) blocks.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks;
}

/** An oversized block: by lines when it has several (lists, tables, code), otherwise by sentences. */
function splitBlock(block: string, blockSeparator: string): { text: string; separator: string }[] {
  const lines = block.split('\n').filter((line) => line.trim() !== '');
  const parts =
    lines.length > 1
      ? lines.map((line, index) => ({ text: line, separator: index === 0 ? blockSeparator : '\n' }))
      : sentencesOf(block).map((sentence, index) => ({ text: sentence, separator: index === 0 ? blockSeparator : ' ' }));
  return parts.length > 0 ? parts : [{ text: block, separator: blockSeparator }];
}

/** Sentences of one line, keeping its list marker on the first sentence. */
function sentencesOf(line: string): string[] {
  const marker = LIST_MARKER.exec(line)?.[0].trim();
  const sentences = splitSentences(line);
  if (marker !== undefined && sentences.length > 0) sentences[0] = `${marker} ${sentences[0]}`;
  return sentences;
}

/** Last resort for a single sentence over budget: cut at token boundaries. */
function hardSplit(text: string, maxTokens: number): Unit[] {
  const spans = tokenSpans(text);
  const units: Unit[] = [];
  for (let first = 0; first < spans.length; first += maxTokens) {
    const last = Math.min(first + maxTokens, spans.length) - 1;
    const start = spans[first]?.start ?? 0;
    const end = spans[last]?.end ?? text.length;
    units.push({ text: text.slice(start, end), tokens: last - first + 1, separator: ' ' });
  }
  return units;
}

/** Greedy packing; each new chunk starts with the trailing units of the previous one that fit the overlap. */
function packUnits(units: Unit[], maxTokens: number, overlapTokens: number): string[] {
  const chunks: string[] = [];
  let current: Unit[] = [];
  let currentTokens = 0;
  for (const unit of units) {
    if (current.length > 0 && currentTokens + unit.tokens > maxTokens) {
      chunks.push(joinUnits(current));
      current = overlapOf(current, Math.min(overlapTokens, maxTokens - unit.tokens));
      currentTokens = current.reduce((sum, kept) => sum + kept.tokens, 0);
    }
    current.push(unit);
    currentTokens += unit.tokens;
  }
  if (current.length > 0) chunks.push(joinUnits(current));
  return chunks;
}

function overlapOf(units: Unit[], budget: number): Unit[] {
  const kept: Unit[] = [];
  let tokens = 0;
  for (let index = units.length - 1; index >= 0; index -= 1) {
    const unit = units[index];
    if (unit === undefined || tokens + unit.tokens > budget) break;
    kept.unshift(unit);
    tokens += unit.tokens;
  }
  return kept;
}

function joinUnits(units: Unit[]): string {
  return units
    .map((unit, index) => (index === 0 ? unit.text : unit.separator + unit.text))
    .join('')
    .trim();
}
