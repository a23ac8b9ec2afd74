/**
 * What a claim asserts, read cheaply and deterministically: its subject (content terms), the quantities it
 * states (amounts, durations, percentages, counts), whether it is negated and whether it opens with a yes or
 * no. Contradiction detection and the offline blackboard review compare claims through these facts. Pure.
 */
import { terms } from '../llm/text.js';

/** A quantity normalized so equal amounts compare equal ("2 weeks" = "14 days"). */
export interface Quantity {
  /** `duration` (in hours), `business-days`, `percent`, `money:<currency>` or `count`. */
  unit: string;
  value: number;
}

export interface ClaimFacts {
  /** Stemmed content terms without numbers, units, negations and yes/no. */
  subject: string[];
  quantities: Quantity[];
  negated: boolean;
  answer: 'yes' | 'no' | null;
  /** Lowercased words with negations and auxiliaries removed: the statement a negation flips. */
  core: string[];
}

const HOURS: Record<string, number> = { minute: 1 / 60, hour: 1, day: 24, week: 168, month: 720, year: 8760 };
const CURRENCIES: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', usd: 'USD', eur: 'EUR', gbp: 'GBP', dollar: 'USD', euro: 'EUR' };
const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, sixty: 60, ninety: 90,
};
const QUANTITY = new RegExp(
  String.raw`([$€£])?\s?(\d+(?:[.,]\d+)*|\b(?:${Object.keys(NUMBER_WORDS).join('|')})\b)\s*` +
    String.raw`(%|percent\b|(?:usd|eur|gbp|dollars?|euros?)\b|(?:business|working)\s+days?\b|(?:calendar\s+)?(?:minute|hour|day|week|month|year)s?\b)?`,
  'gi',
);
const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nothing', 'neither', 'nor']);
const AUXILIARIES = new Set(['do', 'does', 'did']);
const CONTRACTIONS: [RegExp, string][] = [
  [/\bcannot\b|\bcan['’]t\b/g, 'can not'],
  [/\bwon['’]t\b/g, 'will not'],
  [/\b(\w+)n['’]t\b/g, '$1 not'],
];
/** Number words as `terms` stems them ("thirty" → "thirti"). */
const NUMBER_TERMS = new Set(Object.keys(NUMBER_WORDS).flatMap((word) => terms(word)));
const UNIT_TERMS = new Set(['minut', 'hour', 'dai', 'week', 'month', 'year', 'percent', 'busi', 'work', 'calendar', 'usd', 'eur', 'gbp', 'dollar', 'euro']);
const YES_NO = /^\s*(yes|no)\b[,.!:;—-]/i;
const WORD = /[\p{L}\p{N}]+(?:[.,]\d+)*/gu;

/** Reads the facts of one claim. */
export function claimFacts(text: string): ClaimFacts {
  const lower = expandContractions(text.normalize('NFKC').toLowerCase());
  const opening = YES_NO.exec(lower)?.[1];
  const answer = opening === 'yes' || opening === 'no' ? opening : null;
  const body = answer === null ? lower : lower.replace(YES_NO, ' ');
  const words = body.match(WORD) ?? [];
  const subject = [...new Set(terms(body))].filter(
    (term) => !/^\d/.test(term) && !NEGATIONS.has(term) && !UNIT_TERMS.has(term) && !NUMBER_TERMS.has(term),
  );
  return {
    subject,
    quantities: quantitiesOf(body),
    negated: words.some((word) => NEGATIONS.has(word)),
    answer,
    core: words.filter((word) => !NEGATIONS.has(word) && !AUXILIARIES.has(word)),
  };
}

function expandContractions(text: string): string {
  return CONTRACTIONS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text.replace(/’/g, "'"));
}

/** The normalized quantities of a lowercased text; bare four-digit years are not quantities. */
export function quantitiesOf(text: string): Quantity[] {
  const found: Quantity[] = [];
  for (const match of text.matchAll(QUANTITY)) {
    const [, currency, number = '', unit] = match;
    const value = NUMBER_WORDS[number] ?? Number(number.replace(/,(?=\d{3}\b)/g, '').replace(',', '.'));
    if (!Number.isFinite(value)) continue;
    const quantity = normalize(value, currency, unit?.replace(/\s+/g, ' '));
    if (quantity.unit === 'count' && /^(19|20)\d\d$/.test(number)) continue;
    found.push(quantity);
  }
  return found;
}

function normalize(value: number, currency: string | undefined, unit: string | undefined): Quantity {
  if (currency !== undefined) return { unit: `money:${CURRENCIES[currency] ?? currency}`, value };
  if (unit === undefined) return { unit: 'count', value };
  if (unit === '%' || unit === 'percent') return { unit: 'percent', value };
  if (/^(business|working)/.test(unit)) return { unit: 'business-days', value };
  const money = CURRENCIES[unit.replace(/s$/, '')];
  if (money !== undefined) return { unit: `money:${money}`, value };
  const base = unit.replace(/^calendar /, '').replace(/s$/, '');
  return { unit: 'duration', value: Number((value * (HOURS[base] ?? 1)).toFixed(4)) };
}

/** Jaccard similarity of two term lists (1 for two empty lists). */
export function termSimilarity(left: readonly string[], right: readonly string[]): number {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  const shared = [...leftSet].filter((term) => rightSet.has(term)).length;
  const union = leftSet.size + rightSet.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** Subject terms two claims share. */
export function sharedSubject(left: ClaimFacts, right: ClaimFacts): string[] {
  const rightSet = new Set(right.subject);
  return left.subject.filter((term) => rightSet.has(term));
}

/** Subject similarity from which two claims are about the same thing, and the fewest shared terms. */
const SAME_SUBJECT = 0.5;
const MIN_SHARED_TERMS = 2;
const SAME_SUBJECT_YES_NO = 0.3;
/** Subject similarity needed when each claim has terms the other lacks. */
const SAME_QUALIFIED_SUBJECT = 0.75;
/** How alike two statements must be, negations aside, for a negation to flip the same statement. */
const SAME_STATEMENT = 0.8;

/**
 * True when two claims talk about the same subject: enough shared terms, and when each claim also has terms
 * of its own ("monthly plans" vs "annual plans"), a much closer match — those are often two subjects.
 */
export function sameSubject(left: ClaimFacts, right: ClaimFacts): boolean {
  const shared = sharedSubject(left, right).length;
  if (shared < MIN_SHARED_TERMS) return false;
  const bothQualified = new Set(left.subject).size > shared && new Set(right.subject).size > shared;
  return termSimilarity(left.subject, right.subject) >= (bothQualified ? SAME_QUALIFIED_SUBJECT : SAME_SUBJECT);
}

/**
 * How two claims conflict, or null: different numbers of one unit for the same subject (`number`), one
 * statement and its negation (`negation`), or opposite yes/no openings about the same subject (`yes-no`).
 */
export function conflictKind(left: ClaimFacts, right: ClaimFacts): 'number' | 'negation' | 'yes-no' | null {
  // Opposite yes/no openings are a strong signal: a looser subject match suffices.
  if (left.answer !== null && right.answer !== null && left.answer !== right.answer) {
    return sharedSubject(left, right).length >= MIN_SHARED_TERMS && termSimilarity(left.subject, right.subject) >= SAME_SUBJECT_YES_NO ? 'yes-no' : null;
  }
  if (!sameSubject(left, right)) return null;
  if (quantitiesConflict(left.quantities, right.quantities)) return 'number';
  if (left.negated !== right.negated && termSimilarity(left.core, right.core) >= SAME_STATEMENT) return 'negation';
  return null;
}

/** Conflict: both state quantities of one unit and share no value of it. */
function quantitiesConflict(left: Quantity[], right: Quantity[]): boolean {
  const units = new Set(left.map((quantity) => quantity.unit));
  return [...units].some((unit) => {
    const rightValues = right.filter((quantity) => quantity.unit === unit).map((quantity) => quantity.value);
    if (rightValues.length === 0) return false;
    return !left.some((quantity) => quantity.unit === unit && rightValues.includes(quantity.value));
  });
}
