/**
 * Money amounts in free text: `$5,000`, `€600`, `£1.2k`, `USD 750`, `1.200,50 €`, `600 euros`, `5 grand`.
 * Pure functions. Thousands separators (`,` `.` space or apostrophe) and decimal commas are told apart by the
 * digits that follow them: three digits group thousands, one or two are decimals.
 */

/** One amount found in text, in its own currency (ISO 4217 code). */
export interface MoneyAmount {
  amount: number;
  currency: string;
  start: number;
  end: number;
  text: string;
}

const SYMBOLS: Record<string, string> = {
  'US$': 'USD', $: 'USD', 'C$': 'CAD', 'CA$': 'CAD', 'A$': 'AUD', 'AU$': 'AUD', 'NZ$': 'NZD', '€': 'EUR', '£': 'GBP',
  '¥': 'JPY', '₹': 'INR', 'R$': 'BRL', 'kr': 'SEK', usd: 'USD', eur: 'EUR', gbp: 'GBP', cad: 'CAD', aud: 'AUD',
  jpy: 'JPY', inr: 'INR', chf: 'CHF', sek: 'SEK', nok: 'NOK', dkk: 'DKK', nzd: 'NZD', brl: 'BRL', mxn: 'MXN',
  dollars: 'USD', dollar: 'USD', bucks: 'USD', euros: 'EUR', euro: 'EUR', pounds: 'GBP', pound: 'GBP', quid: 'GBP',
  francs: 'CHF', yen: 'JPY', rupees: 'INR',
};

const NUMBER = String.raw`\d{1,3}(?:[,.' \u00A0]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const MULTIPLIER = String.raw`(?:\s?(?:k|K|m|M|bn|million|thousand|grand)\b)?`;
const PREFIX = String.raw`US\$|CA\$|AU\$|NZ\$|R\$|C\$|A\$|\$|€|£|¥|₹|\b(?:USD|EUR|GBP|CAD|AUD|JPY|INR|CHF|SEK|NOK|DKK|NZD|BRL|MXN)\b`;
const SUFFIX = String.raw`€|£|\b(?:USD|EUR|GBP|CAD|AUD|JPY|INR|CHF|SEK|NOK|DKK|NZD|BRL|MXN|dollars?|bucks|euros?|pounds?|quid|francs|yen|rupees|kr)\b`;
const PREFIXED = new RegExp(String.raw`(?<currency>${PREFIX})\s?(?<number>${NUMBER})(?<multiplier>${MULTIPLIER})`, 'gi');
const SUFFIXED = new RegExp(String.raw`(?<![\w$€£.,])(?<number>${NUMBER})(?<multiplier>${MULTIPLIER})\s?(?<currency>${SUFFIX})`, 'gi');
const GRAND = /(?<![\w$€£.,])(?<number>\d+(?:\.\d+)?)\s?(?<multiplier>grand|k)\b/gi;

/** Parses `1,200.50`, `1.200,50`, `1 200`, `60.00`, `1,5` into a number. */
export function parseNumber(raw: string): number {
  const compact = raw.replace(/[\s\u00A0']/g, '');
  const lastSeparator = Math.max(compact.lastIndexOf(','), compact.lastIndexOf('.'));
  if (lastSeparator < 0) return Number(compact);
  const decimals = compact.length - lastSeparator - 1;
  if (decimals === 3) return Number(compact.replace(/[,.]/g, ''));
  const integer = compact.slice(0, lastSeparator).replace(/[,.]/g, '');
  return Number(`${integer}.${compact.slice(lastSeparator + 1)}`);
}

function scale(multiplier: string): number {
  const word = multiplier.trim().toLowerCase();
  if (word === 'k' || word === 'thousand' || word === 'grand') return 1_000;
  if (word === 'm' || word === 'million') return 1_000_000;
  if (word === 'bn') return 1_000_000_000;
  return 1;
}

function currencyCode(symbol: string): string {
  return SYMBOLS[symbol] ?? SYMBOLS[symbol.toLowerCase()] ?? symbol.toUpperCase();
}

/** Every money amount in `text`, in text order, without overlaps. "5 grand" counts as USD. */
export function findAmounts(text: string): MoneyAmount[] {
  const found: MoneyAmount[] = [];
  const add = (match: RegExpMatchArray, currency: string): void => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (found.some((other) => start < other.end && other.start < end)) return;
    const amount = parseNumber(match.groups?.number ?? '0') * scale(match.groups?.multiplier ?? '');
    if (Number.isFinite(amount)) found.push({ amount, currency, start, end, text: match[0].trim() });
  };
  for (const match of text.matchAll(PREFIXED)) add(match, currencyCode(match.groups?.currency ?? '$'));
  for (const match of text.matchAll(SUFFIXED)) add(match, currencyCode(match.groups?.currency ?? '$'));
  for (const match of text.matchAll(GRAND)) if (/grand/i.test(match.groups?.multiplier ?? '')) add(match, 'USD');
  return found.sort((left, right) => left.start - right.start);
}

/** The amount in US dollars, using `rates` (units of USD per unit of currency); null for an unknown currency. */
export function toUsd(amount: MoneyAmount, rates: Record<string, number>): number | null {
  if (amount.currency === 'USD') return amount.amount;
  const rate = rates[amount.currency];
  return rate === undefined ? null : amount.amount * rate;
}
