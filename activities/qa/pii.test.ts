import { describe, expect, it } from 'vitest';
import { passesLuhn, redactPii } from './pii.js';

describe('passesLuhn', () => {
  it.each(['4111111111111111', '4242424242424242', '5555555555554444', '378282246310005', '6011111111111117'])('accepts the test card %s', (digits) => {
    expect(passesLuhn(digits)).toBe(true);
  });

  it.each(['4111111111111112', '4242424242424241', '5555555555554445', '1234567812345678'])('rejects %s (checksum off)', (digits) => {
    expect(passesLuhn(digits)).toBe(false);
  });

  it.each(['79927398713', '0', ''])('rejects %j: shorter than 13 digits even when the checksum holds', (digits) => {
    expect(passesLuhn(digits)).toBe(false);
  });
});

describe('redactPii', () => {
  it('redacts an email address', () => {
    expect(redactPii('Write to jane.doe+billing@example.co.uk for help.')).toEqual({ text: 'Write to [email redacted] for help.', found: ['email'] });
  });

  it.each([
    ['Charged to 4111111111111111.', 'Charged to [card number redacted].'],
    ['Charged to 4111 1111 1111 1111.', 'Charged to [card number redacted].'],
    ['Charged to 4111-1111-1111-1111, twice.', 'Charged to [card number redacted], twice.'],
    ['Amex 3782 822463 10005.', 'Amex [card number redacted].'],
  ])('redacts the Luhn-valid card in %j', (input, text) => {
    expect(redactPii(input)).toEqual({ text, found: ['card number'] });
  });

  it('keeps a 16-digit number that fails the Luhn check', () => {
    expect(redactPii('Reference 4111111111111112.')).toEqual({ text: 'Reference 4111111111111112.', found: [] });
  });

  it.each([
    ['Call +44 20 7946 0958 today.', 'Call [phone number redacted] today.'],
    ['Call +1 415 555 2671 today.', 'Call [phone number redacted] today.'],
    ['Call +49-30-1234-5678.', 'Call [phone number redacted].'],
  ])('redacts the phone number in %j', (input, text) => {
    expect(redactPii(input)).toEqual({ text, found: ['phone number'] });
  });

  it.each([
    'The Business plan costs $1,200 per year.',
    'Your renewal is on 2026-11-24.',
    'Your verification code is 482913.',
    'We have 1,234,567 users and 99.95% uptime.',
    'Version 2.14.3 shipped on 2026-11-24 at 10:30.',
    'Refunds arrive within 5 to 10 business days.',
  ])('leaves ordinary numbers alone: %j', (text) => {
    expect(redactPii(text)).toEqual({ text, found: [] });
  });

  it('lists every kind found, once each', () => {
    expect(redactPii('Mail a@example.com or b@example.org, card 4111111111111111, phone +44 20 7946 0958.')).toEqual({
      text: 'Mail [email redacted] or [email redacted], card [card number redacted], phone [phone number redacted].',
      found: ['email', 'card number', 'phone number'],
    });
  });
});

describe('redactPii: regressions', () => {
  it('keeps the space after a redacted card number', () => {
    expect(redactPii('Card 4111 1111 1111 1111 was charged.').text).toBe('Card [card number redacted] was charged.');
  });

  it.each(['Invoice `BLM-2025-004812` is paid.', 'The header is `t=1714300000,v1=abc`.', 'Allow 192.168.100.200 in your firewall.'])(
    'leaves identifiers that are not phone numbers alone: %j',
    (text) => {
      expect(redactPii(text)).toEqual({ text, found: [] });
    },
  );

  it('redacts a phone number written with an area code in brackets, brackets included', () => {
    expect(redactPii('Call (415) 555-2671 today.').text).toBe('Call [phone number redacted] today.');
  });
});
