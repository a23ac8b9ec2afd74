/**
 * PII detectors for outgoing text: emails, payment card numbers (Luhn-checked), phone numbers.
 * The QA issue extends this with IBANs, national ids, secrets and per-tenant policies.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const CARD = /\b(?:\d[ -]?){13,19}\b/g;
const PHONE = /(?<![\w])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}(?![\w])/g;

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

/** Replaces detected PII with labelled placeholders and lists what kinds were found. */
export function redactPii(text: string): { text: string; found: string[] } {
  const found = new Set<string>();
  let redacted = text.replace(EMAIL, () => {
    found.add('email');
    return '[email redacted]';
  });
  redacted = redacted.replace(CARD, (match) => {
    if (!passesLuhn(match.replace(/\D/g, ''))) return match;
    found.add('card number');
    return '[card number redacted]';
  });
  redacted = redacted.replace(PHONE, (match) => {
    if (match.replace(/\D/g, '').length < 9) return match;
    found.add('phone number');
    return '[phone number redacted]';
  });
  return { text: redacted, found: [...found] };
}
