/**
 * National-id-like numbers. Detected, with their own validity rules:
 * - US Social Security numbers: `123-45-6789` or `123 45 6789` (never area 000, 666 or 9xx, group 00,
 *   serial 0000); nine bare digits only right after "SSN" or "social security";
 * - UK National Insurance numbers: `AB 12 34 56 C` (HMRC's prefix rules: no D, F, I, Q, U or V, no O second,
 *   and not BG, GB, NK, KN, TN, NT or ZZ);
 * - Canadian Social Insurance numbers: nine digits that pass Luhn, right after "SIN" or "social insurance";
 * - Spanish DNI and NIE: eight digits (or X/Y/Z and seven) and the mod-23 check letter;
 * - Indian Aadhaar numbers: twelve digits in groups of four that pass the Verhoeff checksum.
 * Other countries' ids are not recognised unless they also look like one of these.
 */
import type { PiiMatch } from './pii-detectors.js';

const US_SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/g;
const US_SSN_BARE = /\b(?:ssn|social security(?: number| no\.?)?)\s*(?:is|:|#)?\s*((?!000|666|9\d\d)\d{3}(?!00)\d{2}(?!0000)\d{4})\b/gi;
const UK_NINO = /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;
const CA_SIN = /\b(?:sin|social insurance(?: number| no\.?)?)\s*(?:is|:|#)?\s*(\d{3}[- ]?\d{3}[- ]?\d{3})\b/gi;
const ES_DNI = /\b([XYZ]?)(\d{7,8})-?([A-Z])\b/g;
const AADHAAR = /(?<![\w-])[2-9]\d{3} \d{4} \d{4}(?![\w-])/g;
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

const VERHOEFF_MULTIPLY = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_PERMUTE = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

function passesVerhoeff(digits: string): boolean {
  let check = 0;
  [...digits].reverse().forEach((digit, position) => {
    check = VERHOEFF_MULTIPLY[check]?.[VERHOEFF_PERMUTE[position % 8]?.[Number(digit)] ?? 0] ?? 0;
  });
  return check === 0;
}

function passesLuhnDigits(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((character, position) => {
    let digit = Number(character);
    if (position % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  });
  return sum % 10 === 0;
}

function validDni(prefix: string, digits: string, letter: string): boolean {
  if (prefix !== '' && digits.length !== 7) return false;
  if (prefix === '' && digits.length !== 8) return false;
  const prefixDigit = prefix === '' ? '' : String('XYZ'.indexOf(prefix));
  const number = Number(`${prefixDigit}${digits}`);
  return DNI_LETTERS[number % 23] === letter;
}

function spanOf(match: RegExpMatchArray, kind: string, group = 0): PiiMatch {
  const value = match[group] ?? '';
  const start = (match.index ?? 0) + (group === 0 ? 0 : match[0].lastIndexOf(value));
  return { category: 'national-id', kind, start, end: start + value.length, value };
}

/** National-id-like numbers (see the module comment for the list and their checks). */
export function findNationalIds(text: string): PiiMatch[] {
  return [
    ...[...text.matchAll(US_SSN)].map((match) => spanOf(match, 'us-ssn')),
    ...[...text.matchAll(US_SSN_BARE)].map((match) => spanOf(match, 'us-ssn', 1)),
    ...[...text.matchAll(UK_NINO)].map((match) => spanOf(match, 'uk-national-insurance')),
    ...[...text.matchAll(CA_SIN)].filter((match) => passesLuhnDigits((match[1] ?? '').replace(/\D/g, ''))).map((match) => spanOf(match, 'ca-sin', 1)),
    ...[...text.matchAll(ES_DNI)].filter((match) => validDni(match[1] ?? '', match[2] ?? '', match[3] ?? '')).map((match) => spanOf(match, 'es-dni')),
    ...[...text.matchAll(AADHAAR)].filter((match) => passesVerhoeff(match[0].replace(/\D/g, ''))).map((match) => spanOf(match, 'in-aadhaar')),
  ];
}
