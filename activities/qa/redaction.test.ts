import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { applyPiiPolicy } from './pii.js';
import { DEFAULT_QA_POLICY } from './policy.js';

const DEFAULT_PII_POLICY_FOR_TESTS = DEFAULT_QA_POLICY.pii;
import { redactingLoggerOptions, redactJson } from './redaction.js';

describe('redactJson', () => {
  it('redacts PII in every string of a nested value and blanks credential fields', () => {
    const trace = { question: 'Mail me at a@b.example', checks: [{ detail: 'card 4111 1111 1111 1111' }], headers: { authorization: 'Bearer abc', accept: 'json' }, count: 3 };
    expect(redactJson(trace)).toEqual({
      question: 'Mail me at [email redacted]',
      checks: [{ detail: 'card [card number redacted]' }],
      headers: { authorization: '[redacted]', accept: 'json' },
      count: 3,
    });
  });

  it('cuts cycles instead of following them', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(redactJson(cyclic)).toEqual({ name: 'x', self: '[redacted]' });
  });
});

describe('redactingLoggerOptions', () => {
  it('writes log lines without PII in the merged object or the message', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } });
    const logger = pino({ ...redactingLoggerOptions() }, sink);
    logger.info({ customer: { email: 'jane@example.com', iban: 'DE89370400440532013000' } }, 'card 4242 4242 4242 4242 charged for %s', '+44 20 7946 0958');
    const line = lines.join('');
    // Whole values only: a fragment such as "7946" can occur in the line's timestamp.
    expect(line).not.toMatch(/jane@example\.com|DE8937|4242 4242|20 7946 0958/);
    expect(line).toContain('[card number redacted]');
  });
});

describe('applyPiiPolicy', () => {
  it('picks the strictest action of the categories found and redacts everything', () => {
    const outcome = applyPiiPolicy('Mail a@b.example, SSN 123-45-6789.', DEFAULT_PII_POLICY_FOR_TESTS);
    expect(outcome.action).toBe('escalate');
    expect(outcome.text).toBe('Mail [email redacted], SSN [national id redacted].');
    expect(outcome.categories).toEqual([{ category: 'email', action: 'redact', count: 1 }, { category: 'national-id', action: 'escalate', count: 1 }]);
  });
});
