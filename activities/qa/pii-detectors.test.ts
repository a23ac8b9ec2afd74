import { describe, expect, it } from 'vitest';
import { detectPii, findIbans, findPhones } from './pii-detectors.js';
import { findNationalIds } from './national-ids.js';
import { findSecrets, looksLikeRandomToken } from './secrets.js';

const kinds = (text: string) => detectPii(text).map((match) => [match.category, match.value]);

describe('IBANs', () => {
  it.each(['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'FR14 2004 1010 0505 0001 3M02 606'])('finds the valid IBAN %s', (iban) => {
    expect(findIbans(`Pay to ${iban} please.`).map((match) => match.value)).toEqual([iban]);
  });

  it.each(['DE89 3704 0044 0532 0130 01', 'GB83WEST12345698765432'])('ignores %s: the checksum is wrong', (iban) => {
    expect(findIbans(`Pay to ${iban} please.`)).toEqual([]);
  });

  it('stops at the end of the IBAN, not at the next word', () => {
    expect(kinds('IBAN DE89 3704 0044 0532 0130 00 is ours.')).toEqual([['iban', 'DE89 3704 0044 0532 0130 00']]);
  });
});

describe('national ids', () => {
  it.each([
    ['SSN 123-45-6789 on file', 'us-ssn', '123-45-6789'],
    ['my ssn is 123456789', 'us-ssn', '123456789'],
    ['NI number AB 12 34 56 C', 'uk-national-insurance', 'AB 12 34 56 C'],
    ['DNI 12345678Z', 'es-dni', '12345678Z'],
    ['SIN: 046 454 286', 'ca-sin', '046 454 286'],
  ])('finds %j', (text, kind, value) => {
    expect(findNationalIds(text).map((match) => [match.kind, match.value])).toEqual([[kind, value]]);
  });

  it.each(['000-12-3456', '666-45-6789', '123-00-6789', 'QQ 12 34 56 C', '12345678A', 'SIN: 046 454 287', 'order 123456789'])('ignores the invalid or unlabelled %j', (text) => {
    expect(findNationalIds(text)).toEqual([]);
  });
});

describe('secrets', () => {
  it.each([
    ['sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'anthropic-key'],
    ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12', 'openai-key'],
    ['sk_live_51Hx9aBcDeFgHiJkLmNoPqRsTu', 'stripe-key'],
    ['ghp_9aB3cD5eF7gH9iJ1kL3mN5oP7qR9sT1uV3wX', 'github-token'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
    ['xoxb-1234567890-abcdefghijkl', 'slack-token'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'private-key'],
  ])('finds %s as %s', (secret, kind) => {
    expect(findSecrets(`value: ${secret} end`).map((match) => match.kind)).toContain(kind);
  });

  it('redacts the value of a password assignment, not the word', () => {
    expect(findSecrets('password: hunter2!x').map((match) => match.value)).toEqual(['hunter2!x']);
    expect(findSecrets('Reset your password immediately.')).toEqual([]);
  });

  it('tells random tokens from hashes and words', () => {
    expect(looksLikeRandomToken('q8ZpL2mX7vR4tN9wK3yB6cD1')).toBe(true);
    expect(looksLikeRandomToken('3f2a9c1b7e4d8f6a0b5c2d9e1f3a7b4c6d8e0f2a')).toBe(false);
    expect(looksLikeRandomToken('getUserAccountSettingsHandler')).toBe(false);
  });
});

describe('phones and cards together', () => {
  it('keeps card-like numbers that fail Luhn and identifiers that look like phones', () => {
    expect(kinds('Order 4111111111111112, ticket 2024-000123, invoice BLM-2025-004812.')).toEqual([]);
  });

  it('finds a bare phone number only after a phone word', () => {
    expect(findPhones('Call me on 4155552671.').map((match) => match.value)).toEqual(['4155552671']);
    expect(findPhones('Order 4155552671 shipped.')).toEqual([]);
  });

  it('reports each span once, the most specific category first', () => {
    expect(kinds('Card 4242 4242 4242 4242, mail a@b.example, key AKIAIOSFODNN7EXAMPLE.')).toEqual([
      ['card', '4242 4242 4242 4242'],
      ['email', 'a@b.example'],
      ['secret', 'AKIAIOSFODNN7EXAMPLE'],
    ]);
  });
});
