/**
 * PII detectors: each finds one category of personal data or secret in free text and returns its spans.
 * Pure functions, no I/O. Validation is strict on purpose (Luhn for cards, the ISO 13616 checksum for IBANs,
 * libphonenumber metadata for phone numbers) so that ordinary numbers — order ids, amounts, dates — stay.
 */
import { findNumbers, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { memoizeByText } from '../llm/text-memo.js';
import { findNationalIds } from './national-ids.js';
import { findSecrets } from './secrets.js';

export const PiiCategory = {
  email: 'email',
  phone: 'phone',
  card: 'card',
  iban: 'iban',
  nationalId: 'national-id',
  secret: 'secret',
} as const;
export type PiiCategory = (typeof PiiCategory)[keyof typeof PiiCategory];

/** Human-readable names, used in placeholders (`[card number redacted]`) and check details. */
export const PII_LABELS: Record<PiiCategory, string> = {
  email: 'email',
  phone: 'phone number',
  card: 'card number',
  iban: 'IBAN',
  'national-id': 'national id',
  secret: 'secret',
};

/** One detected span of personal data. `kind` names the sub-type (e.g. `us-ssn`, `github-token`). */
export interface PiiMatch {
  category: PiiCategory;
  kind: string;
  start: number;
  end: number;
  value: string;
}

export interface DetectPiiOptions {
  /** Regions tried for phone numbers written without a `+` country code (default US, GB). */
  phoneRegions?: CountryCode[];
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** 13–19 digits, optionally grouped by single spaces or dashes (never ending in a separator). */
const CARD = /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w]|[.,]\d)/g;
/** Country code, two letters of check digits, then 11–30 alphanumerics, optionally in groups of four. */
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
/** Phone-shaped text: an optional country code, then groups separated by spaces, dots or dashes. */
const PHONE_SHAPE = /(?<![\w.=/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w-]|\.\d)/g;
const PHONE_SHAPE_ANYWHERE = new RegExp(PHONE_SHAPE.source);
const PHONE_CONTEXT = /\b(?:call|phone|tel|telephone|mobile|cell|text|sms|whatsapp|fax|reach (?:me|us) (?:at|on)|number is|ring)\b[^.\n]{0,25}$/i;

/** True when the digits pass the Luhn checksum used by payment cards (13 digits or more). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let position = digits.length - 1; position >= 0; position -= 1) {
    let digit = Number(digits[position]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

function matchesOf(pattern: RegExp, text: string): { start: number; end: number; value: string }[] {
  return [...text.matchAll(pattern)].map((match) => ({ start: match.index, end: match.index + match[0].length, value: match[0] }));
}

export function findEmails(text: string): PiiMatch[] {
  return matchesOf(EMAIL, text).map((span) => ({ ...span, category: PiiCategory.email, kind: 'email' }));
}

/** Card numbers: 13–19 digits that pass Luhn and are not all one digit. */
export function findCards(text: string): PiiMatch[] {
  return matchesOf(CARD, text)
    .filter((span) => {
      const digits = span.value.replace(/\D/g, '');
      return passesLuhn(digits) && !/^(\d)\1+$/.test(digits);
    })
    .map((span) => ({ ...span, category: PiiCategory.card, kind: 'payment-card' }));
}

/** IBANs whose ISO 13616 checksum and country format hold; the longest valid prefix of a run wins. */
export function findIbans(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const span of matchesOf(IBAN, text)) {
    for (let end = span.value.length; end >= 15; end -= 1) {
      const candidate = span.value.slice(0, end).trimEnd();
      const electronic = electronicFormatIBAN(candidate);
      if (electronic !== null && isValidIBAN(electronic)) {
        found.push({ category: PiiCategory.iban, kind: 'iban', start: span.start, end: span.start + candidate.length, value: candidate });
        break;
      }
    }
  }
  return found;
}

/**
 * Phone numbers valid in libphonenumber's metadata, written as phone numbers: with a `+` country code, in
 * phone-style groups, or right after a word like "call" or "phone". Identifiers (`BLM-2025-004812`), dates,
 * IP addresses and bare digit runs without such context stay.
 */
export function findPhones(text: string, options: DetectPiiOptions = {}): PiiMatch[] {
  const regions = options.phoneRegions ?? ['US', 'GB'];
  const spans = new Map<number, { start: number; end: number; value: string }>();
  for (const span of matchesOf(PHONE_SHAPE, text)) spans.set(span.start, span);
  for (const region of regions) {
    for (const found of findNumbers(text, { defaultCountry: region, v2: true })) {
      const value = text.slice(found.startsAt, found.endsAt);
      const before = text.slice(0, found.startsAt);
      const after = text.slice(found.endsAt);
      const writtenAsPhone = value.startsWith('+') || PHONE_SHAPE_ANYWHERE.test(value) || PHONE_CONTEXT.test(before);
      const insideIdentifier = /[\w.=/-]$/.test(before) || /^(?:[\w-]|\.\d)/.test(after);
      if (writtenAsPhone && !insideIdentifier && !spans.has(found.startsAt)) spans.set(found.startsAt, { start: found.startsAt, end: found.endsAt, value });
    }
  }
  return [...spans.values()]
    .filter((span) => span.value.replace(/\D/g, '').length >= 9 && isPhoneNumber(span.value, regions))
    .map((span) => ({ ...span, category: PiiCategory.phone, kind: 'phone' }));
}

function isPhoneNumber(value: string, regions: CountryCode[]): boolean {
  if (value.trim().startsWith('+')) return parsePhoneNumberFromString(value)?.isPossible() ?? false;
  return regions.some((region) => parsePhoneNumberFromString(value, region)?.isPossible() ?? false);
}

/** Detector order is priority order: a span claimed by an earlier category is not reported again. */
const DETECTORS: ((text: string, options: DetectPiiOptions) => PiiMatch[])[] = [
  findSecrets,
  findEmails,
  findIbans,
  findCards,
  findNationalIds,
  findPhones,
];

/** Scans with the default phone regions, remembered per text (answers, evidence and log lines repeat). */
const detectWithDefaults = memoizeByText((text: string): readonly PiiMatch[] => scanPii(text, {}));

/** Every PII span in `text`, without overlaps, in text order. */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiMatch[] {
  const matches = options.phoneRegions === undefined ? detectWithDefaults(text) : scanPii(text, options);
  return matches.map((match) => ({ ...match }));
}

function scanPii(text: string, options: DetectPiiOptions): PiiMatch[] {
  const accepted: PiiMatch[] = [];
  for (const detector of DETECTORS) {
    for (const match of detector(text, options)) {
      if (!accepted.some((other) => match.start < other.end && other.start < match.end)) accepted.push(match);
    }
  }
  return accepted.sort((left, right) => left.start - right.start);
}
