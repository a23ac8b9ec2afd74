/**
 * Prompt-injection heuristics for the user's message and every retrieved passage. Text is examined as
 * shown and as hidden: HTML comments, Markdown link titles and image alt text, HTML attributes, text
 * smuggled in Unicode tag characters or split by zero-width characters, and base64 blobs that decode to text.
 * Pure functions, no I/O; the model-based classifier is in `injection-classifier.ts`.
 */
import type { Passage } from '../../domain/types.js';
import { memoizeByText } from '../llm/text-memo.js';

/** One reason a text looks like an injection, with where it was found. */
export interface InjectionFinding {
  /** Which heuristic fired (`override`, `exfiltration`, `role-play`, `role-marker`, `hidden-instruction`, …). */
  rule: string;
  /** Where the text was: `visible`, `html-comment`, `markdown-title`, `alt-text`, `html-attribute`, `tag-characters`, `zero-width`, `base64`. */
  location: string;
  /** A short, single-line excerpt of what matched. */
  excerpt: string;
}

interface Segment {
  location: string;
  text: string;
}

const ZERO_WIDTH = /\u200B|\u200C|\u200D|\u2060|\u2061|\u2062|\u2063|\u2064|\uFEFF|\u180E|\u00AD/g;
const TAG_CHARACTERS = /[\u{E0000}-\u{E007F}]+/gu;
const HTML_COMMENT = /<!--([\s\S]*?)(?:-->|$)/g;
const MARKDOWN_TITLE = /\]\(\s*[^\s)]*\s+(?:"([^"]*)"|'([^']*)'|\(([^)]*)\))\s*\)/g;
const MARKDOWN_ALT = /!\[([^\]]*)\]/g;
const HTML_ATTRIBUTE = /\b(?:alt|title|aria-label|data-[\w-]+|content)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const HIDDEN_ELEMENT = /<([a-z]+)[^>]*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|hidden)[^>]*>([\s\S]*?)<\/\1>/gi;
const BASE64 = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])/g;

const RULES: { rule: string; pattern: RegExp }[] = [
  {
    rule: 'override',
    pattern: /\b(?:ignore|disregard|forget|override|bypass|skip|drop)\b[^.\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|your|original|initial|system)\b[^.\n]{0,30}?\b(?:instructions?|prompts?|rules|directions|guidelines|directives|context|guardrails|policies|constraints)\b/i,
  },
  { rule: 'override', pattern: /\b(?:new|updated|revised|real|actual)\s+(?:system\s+)?instructions?\s*(?::|are\b|follow\b)|\bfrom now on,? (?:you|the assistant|ai)\b/i },
  {
    rule: 'exfiltration',
    pattern: /\b(?:reveal|print|show|repeat|output|leak|display|dump|tell me|give me|what (?:is|are))\b[^.\n]{0,30}?\b(?:your|the)\s+(?:full\s+|entire\s+|exact\s+)?(?:system|hidden|initial|original|secret|internal|developer)\s+(?:prompt|instructions?|message|rules|configuration)/i,
  },
  { rule: 'exfiltration', pattern: /\b(?:send|post|forward|exfiltrate|upload|email)\b[^.\n]{0,40}\b(?:conversation|chat history|credentials|api keys?|tokens?|user data|customer data|passwords?)\b[^.\n]{0,30}\b(?:to|at)\s+(?:https?:\/\/|[\w.-]+@)/i },
  { rule: 'role-play', pattern: /\b(?:you are now|act as (?:an? )?(?:unrestricted|unfiltered|jailbroken|different|evil)|pretend (?:to be|you are|that you)|roleplay as|role-play as|simulate (?:an? )?(?:unrestricted|unfiltered)|developer mode|DAN mode|do anything now|jailbreak)\b/i },
  { rule: 'role-marker', pattern: /(?:^|\n)\s*(?:#{1,4}\s*)?(?:system|developer)\s+(?:prompt|message|instructions?|override)\s*:|<\|im_start\|>|<\|(?:system|assistant)\|>|\[\/?INST\]|<\/?(?:system|instructions?)>|<<SYS>>/i },
  { rule: 'addressed-to-model', pattern: /\b(?:if you are an? (?:ai|llm|language model|assistant|chatbot)|(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|llm|assistant|language model|chatbot)|ai (?:assistants?|models?) (?:reading|processing) this|dear (?:ai|assistant|llm))\b/i },
  { rule: 'directive', pattern: /\b(?:you must|you should|you will|always|never)\b[^.\n]{0,40}\b(?:respond|reply|answer|tell (?:the )?(?:user|customer)s?|recommend|direct (?:the )?(?:user|customer)s? to)\b/i },
];
/** A directive counts only when hidden or addressed to the model: in plain help-center text it is advice. */
const HIDDEN_ONLY = new Set(['directive']);

/** Normalizes and lists every place in `text` where instructions could hide. */
export function segmentsOf(text: string): Segment[] {
  const visible = text.normalize('NFKC');
  const withoutZeroWidth = visible.replace(ZERO_WIDTH, '');
  // What a reader sees: hidden parts are scanned below as their own segments, with their own location.
  const shown = withoutZeroWidth.replace(HTML_COMMENT, ' ').replace(HIDDEN_ELEMENT, ' ').replace(MARKDOWN_TITLE, '](link)').replace(MARKDOWN_ALT, '![image]');
  const segments: Segment[] = [{ location: 'visible', text: shown }];
  if (withoutZeroWidth !== visible && /\S[\u200B\u200C\u2060\uFEFF\u00AD]\S/u.test(visible)) segments.push({ location: 'zero-width', text: withoutZeroWidth });
  for (const match of text.matchAll(TAG_CHARACTERS)) {
    segments.push({ location: 'tag-characters', text: String.fromCodePoint(...[...match[0]].map((character) => (character.codePointAt(0) ?? 0xe0000) - 0xe0000)) });
  }
  const collect = (location: string, pattern: RegExp): void => {
    for (const match of withoutZeroWidth.matchAll(pattern)) {
      const captured = match.slice(1).filter((group): group is string => typeof group === 'string' && group.trim() !== '');
      const inner = captured.at(-1);
      if (inner !== undefined) segments.push({ location, text: inner });
    }
  };
  collect('html-comment', HTML_COMMENT);
  collect('markdown-title', MARKDOWN_TITLE);
  collect('alt-text', MARKDOWN_ALT);
  collect('html-attribute', HTML_ATTRIBUTE);
  collect('hidden-element', HIDDEN_ELEMENT);
  for (const match of withoutZeroWidth.matchAll(BASE64)) {
    const decoded = decodeBase64Text(match[0]);
    if (decoded !== null) segments.push({ location: 'base64', text: decoded });
  }
  return segments;
}

/** The decoded text when a base64 blob decodes to mostly printable text with words; otherwise null. */
export function decodeBase64Text(blob: string): string | null {
  const decoded = Buffer.from(blob, 'base64').toString('utf8');
  const printable = decoded.replace(/[^\x20-\x7E\n\t]/g, '').length;
  return decoded.length >= 12 && printable / decoded.length > 0.95 && /[a-z]{3,} [a-z]{2,}/i.test(decoded) ? decoded : null;
}

function excerptOf(text: string, index: number): string {
  return text.slice(Math.max(0, index - 10), index + 70).replace(/\s+/g, ' ').trim();
}

/** Scans remembered per text: a turn scans its passages at retrieval and again in QA, and passages recur. */
const scanRemembered = memoizeByText((text: string): readonly InjectionFinding[] => scanInjection(text));

/** Every injection finding in `text`, visible or hidden. An empty list means no heuristic fired. */
export function detectInjection(text: string): InjectionFinding[] {
  return scanRemembered(text).map((finding) => ({ ...finding }));
}

function scanInjection(text: string): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  for (const segment of segmentsOf(text)) {
    for (const { rule, pattern } of RULES) {
      if (segment.location === 'visible' && HIDDEN_ONLY.has(rule)) continue;
      const match = pattern.exec(segment.text);
      if (match) findings.push({ rule, location: segment.location, excerpt: excerptOf(segment.text, match.index) });
    }
  }
  return findings;
}

/** A passage kept out of every prompt, with why. */
export interface QuarantinedPassage {
  passage: Passage;
  reasons: string[];
}

/** Readable reasons from findings, e.g. `override in html-comment: "ignore all previous instructions"`. */
export function reasonsOf(findings: InjectionFinding[]): string[] {
  return [...new Set(findings.map((finding) => `${finding.rule} in ${finding.location}: "${finding.excerpt}"`))];
}

/**
 * Splits passages into those safe to show agents and those quarantined, with reasons. Call it on every
 * retrieval result (knowledge and live web) before any agent sees it; keep `quarantined` in the trace.
 */
export function quarantinePassages(passages: Passage[]): { kept: Passage[]; quarantined: QuarantinedPassage[] } {
  const kept: Passage[] = [];
  const quarantined: QuarantinedPassage[] = [];
  for (const passage of passages) {
    const findings = detectInjection(`${passage.title}\n${passage.text}`);
    if (findings.length === 0) kept.push(passage);
    else quarantined.push({ passage, reasons: reasonsOf(findings) });
  }
  return { kept, quarantined };
}
