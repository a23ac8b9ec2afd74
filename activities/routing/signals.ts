/**
 * Signals the route decision reads from the question itself, whatever strategy picks the agents: language
 * (the `eld` n-gram detector), sensitivity (patterns), an explicit request for a person, and prompt-injection
 * directives, which are cut out before any strategy sees the text so they cannot steer routing.
 */
import { eld } from 'eld/medium';
import type { Complexity, Sensitivity } from '../../domain/types.js';

/** Shortest text (in letters) for which a non-English detection is trusted; shorter questions are `en`. */
const MIN_LETTERS_FOR_DETECTION = 12;
const NON_LATIN = /[^\p{Script=Latin}\p{N}\p{P}\p{Z}\p{S}\p{M}]/u;

/**
 * ISO 639-1 code of the question's language. Short Latin-script text is unreliable to detect (a product name
 * can look Catalan), so it counts as English unless the detector is sure; `und` when nothing is recognised.
 */
export function detectLanguage(question: string): string {
  const letters = question.replace(/[^\p{L}]/gu, '');
  if (letters.length === 0) return 'en';
  const result = eld.detect(question);
  const language = result.language === '' ? 'und' : result.language;
  if (NON_LATIN.test(question)) return language;
  if (letters.length < MIN_LETTERS_FOR_DETECTION || !result.isReliable()) return 'en';
  return language;
}

const SENSITIVITY_PATTERNS: readonly (readonly [Sensitivity, RegExp])[] = [
  ['security', /\b(?:hack(?:ed|er)?|breach(?:ed)?|compromised?|phishing|malware|leak(?:ed)?|stolen|unauthori[sz]ed|suspicious (?:login|activity)|password|2fa|mfa|vulnerabilit\w*|fraud\w*)\b/i],
  ['health', /\b(?:phi|hipaa|patients?|medical|diagnos\w*|clinical|health ?care|symptoms?|prescriptions?|ehr|emr)\b/i],
  ['legal', /\b(?:lawsuit|subpoena|sue|suing|attorney|lawyer|court|gdpr|ccpa|dpa|contract|liability|legal|regulator|terms of service|right to be forgotten)\b/i],
  ['financial', /\b(?:iban|swift|routing number|account number|credit card number|card number|bank details|wire transfer|chargeback|tax id|ssn|salary)\b|\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/i],
  ['personal-data', /\b(?:personal (?:data|information)|pii|date of birth|home address|phone number|passport|social security|e-?mail address|erase|erasure|delete (?:my|all) (?:data|information))\b/i],
];

/** The most sensitive category a question touches (security > health > legal > financial > personal data). */
export function detectSensitivity(question: string): Sensitivity {
  for (const [sensitivity, pattern] of SENSITIVITY_PATTERNS) if (pattern.test(question)) return sensitivity;
  return 'none';
}

/** A request to reach a person: "talk to a human", "connect me with an agent", "a real person". */
const PERSON = String.raw`(?:a |an |the |some )?(?:real |live )?(?:human|person|agent|representative|someone|somebody)\b`;
const HUMAN_REQUEST = new RegExp(
  [
    String.raw`\b(?:talk|speak|chat)\s+(?:to|with)\s+${PERSON}`,
    String.raw`\b(?:connect|transfer|put)\s+me\s+(?:to|with|through to)\s+${PERSON}`,
    String.raw`\b(?:real|live)\s+(?:person|human)\b`,
    String.raw`\bhuman\s+(?:agent|support|being)\b`,
  ].join('|'),
  'i',
);

/** True when the user explicitly asks for a person. */
export function wantsHuman(question: string): boolean {
  return HUMAN_REQUEST.test(question);
}

/** Directives aimed at the assistant rather than questions for it (matched per sentence or clause). */
const INJECTION = new RegExp(
  [
    String.raw`\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|prompts?|rules?|guidelines|system|previous|above|prior)\b`,
    String.raw`\b(?:route|send|forward|assign|escalate)\s+(?:me|this|my (?:question|message|request))\s+(?:to|directly to)\b`,
    String.raw`\byou are now\b|\bact as\b|\bpretend (?:to be|you are)\b|\bnew instructions?\b`,
    String.raw`\b(?:system|developer)\s*(?:prompt|message|mode)\b|\bjailbreak\b|<\/?(?:system|instructions?)>`,
    String.raw`\b(?:set|mark)\s+(?:the\s+)?(?:intent|agent|route|routing|priority|confidence)\b`,
  ].join('|'),
  'i',
);

/** Splits text into sentences and `;`-separated clauses (keeps the separators out). */
function clauses(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+|\s+(?=(?:and|then|also|but)\s+(?:ignore|disregard|forget|route|send|act|pretend)\b)/i);
}

/** The question without sentences that try to instruct the assistant, and whether any were found. */
export function stripInjection(question: string): { text: string; injection: boolean } {
  const kept: string[] = [];
  let injection = false;
  for (const clause of clauses(question)) {
    if (INJECTION.test(clause)) injection = true;
    else if (!/^(?:and|then|also|but)?[\s,.]*$/i.test(clause)) kept.push(clause);
  }
  return { text: kept.join(' ').trim(), injection };
}

/** Simple / moderate / complex from length, sentence count and the number of agents needed. */
export function complexityOf(question: string, agentCount: number): Complexity {
  const sentences = question.split(/[.?!]+\s/).length;
  if (agentCount >= 3 || question.length > 600 || sentences > 4) return 'complex';
  if (agentCount === 2 || question.length > 200) return 'moderate';
  return 'simple';
}

/** Topic parts of a question: sentences and clauses joined by "and also", "; ", "plus". */
export function topicParts(question: string): string[] {
  return question
    .split(/(?<=[.?!;])\s+|\s*;\s*|,?\s+(?:and also|and then|also|plus|as well as|and separately|additionally)\s+|,?\s+and\s+(?=(?:my|our|the|how|what|why|can|is|are|do|does|i|we)\b)/i)
    .map((part) => part.trim())
    .filter((part) => part.split(/\s+/).length >= 3);
}
