/**
 * PII redaction and the per-tenant PII policy. Detection lives in `pii-detectors.ts` (emails, phone
 * numbers, Luhn-valid cards, checksum-valid IBANs, national ids, secrets); this module replaces what was
 * found with labelled placeholders and decides, per category, whether to redact, block or escalate.
 */
import { detectPii, PII_LABELS, PiiCategory, type DetectPiiOptions, type PiiMatch } from './pii-detectors.js';

export { passesLuhn, detectPii, PiiCategory, PII_LABELS, type PiiMatch } from './pii-detectors.js';

export const PiiAction = { redact: 'redact', block: 'block', escalate: 'escalate' } as const;
export type PiiAction = (typeof PiiAction)[keyof typeof PiiAction];

/** What to do with each category of PII found in an outgoing answer. */
export type PiiPolicy = Record<PiiCategory, PiiAction>;

export interface RedactOptions extends DetectPiiOptions {
  /** Matches to keep as they are, e.g. a support address quoted from the published help center. */
  isAllowed?: (match: string) => boolean;
}

/** Placeholder for one redacted span, e.g. `[card number redacted]`. */
export function placeholderOf(category: PiiCategory): string {
  return `[${PII_LABELS[category]} redacted]`;
}

/** Replaces every detected span (except allowed ones) with its placeholder; returns the spans replaced. */
export function redactMatches(text: string, options: RedactOptions = {}): { text: string; matches: PiiMatch[] } {
  const allowed = options.isAllowed ?? (() => false);
  const matches = detectPii(text, options).filter((match) => !allowed(match.value));
  let redacted = '';
  let position = 0;
  for (const match of matches) {
    redacted += text.slice(position, match.start) + placeholderOf(match.category);
    position = match.end;
  }
  return { text: redacted + text.slice(position), matches };
}

/** Replaces detected PII with labelled placeholders and lists what kinds were found (labels, once each). */
export function redactPii(text: string, options: RedactOptions = {}): { text: string; found: string[] } {
  const { text: redacted, matches } = redactMatches(text, options);
  const order: PiiCategory[] = ['email', 'card', 'phone', 'iban', 'national-id', 'secret'];
  const categories = new Set(matches.map((match) => match.category));
  return { text: redacted, found: order.filter((category) => categories.has(category)).map((category) => PII_LABELS[category]) };
}

/**
 * A safe description of a match for evidence and traces: the category, the sub-type and at most the
 * last four characters of a card number (what a receipt shows). Never the value itself.
 */
export function describeMatch(match: PiiMatch): string {
  const tail = match.category === PiiCategory.card ? ` ending ${match.value.replace(/\D/g, '').slice(-4)}` : '';
  return `${PII_LABELS[match.category]} (${match.kind})${tail}`;
}

/** What applying a PII policy to an outgoing text decided. */
export interface PiiPolicyOutcome {
  /** The text with every match redacted (whatever the action: a reviewer never needs the raw value). */
  text: string;
  matches: PiiMatch[];
  /** The strictest action required by the categories found; `null` when nothing was found. */
  action: PiiAction | null;
  /** Categories found, each with its action. */
  categories: { category: PiiCategory; action: PiiAction; count: number }[];
}

const SEVERITY: Record<PiiAction, number> = { redact: 0, escalate: 1, block: 2 };

/** Redacts PII in `text` and picks the strictest action the tenant's policy asks for. */
export function applyPiiPolicy(text: string, policy: PiiPolicy, options: RedactOptions = {}): PiiPolicyOutcome {
  const { text: redacted, matches } = redactMatches(text, options);
  const counts = new Map<PiiCategory, number>();
  for (const match of matches) counts.set(match.category, (counts.get(match.category) ?? 0) + 1);
  const categories = [...counts].map(([category, count]) => ({ category, action: policy[category], count }));
  const action = categories.reduce<PiiAction | null>(
    (strictest, entry) => (strictest === null || SEVERITY[entry.action] > SEVERITY[strictest] ? entry.action : strictest),
    null,
  );
  return { text: redacted, matches, action, categories };
}
