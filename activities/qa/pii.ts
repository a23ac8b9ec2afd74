/**
 * PII detectors for outgoing text: emails, payment card numbers (Luhn-checked), phone numbers.
 * The QA issue extends this with IBANs, national ids, secrets and per-tenant policies.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** 13–19 digits, optionally grouped by single spaces or dashes (never ending in a separator). */
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
/**
 * Phone numbers written as phone numbers: an optional country code, then groups separated by spaces,
 * dots or dashes (or an area code in brackets). A bare run of digits, a timestamp, an IP address or a
 * number inside an identifier (`BLM-2025-004812`, `t=1714300000`) is not one.
 */
const PHONE = /(?<![\w.=-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w-]|\.\d)/g;

/** True when the digits pass the Luhn checksum used by payment cards. */
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

export interface RedactOptions {
  /** Matches to keep as they are, e.g. a support address quoted from the published help center. */
  isAllowed?: (match: string) => boolean;
}

/** Replaces detected PII with labelled placeholders and lists what kinds were found. */
export function redactPii(text: string, options: RedactOptions = {}): { text: string; found: string[] } {
  const found = new Set<string>();
  const allowed = options.isAllowed ?? (() => false);
  let redacted = text.replace(EMAIL, (match) => {
    if (allowed(match)) return match;
    found.add('email');
    return '[email redacted]';
  });
  redacted = redacted.replace(CARD, (match) => {
    if (!passesLuhn(match.replace(/\D/g, '')) || allowed(match)) return match;
    found.add('card number');
    return '[card number redacted]';
  });
  redacted = redacted.replace(PHONE, (match) => {
    if (match.replace(/\D/g, '').length < 9 || allowed(match)) return match;
    found.add('phone number');
    return '[phone number redacted]';
  });
  return { text: redacted, found: [...found] };
}
