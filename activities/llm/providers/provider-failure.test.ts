import { describe, expect, it } from 'vitest';
import { ProviderErrorKind } from '../provider-error.js';
import { isConnectionFailure, kindForStatus, parseRetryAfterMs } from './provider-failure.js';

const headers = (values: Record<string, string>): Headers => new Headers(values);

describe('parseRetryAfterMs', () => {
  it('reads retry-after-ms first, then retry-after in seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfterMs(headers({ 'retry-after': '2.5' }))).toBe(2500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });

  it('is undefined when absent, unparsable or negative', () => {
    expect(parseRetryAfterMs(headers({}))).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after': '-3' }))).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '-1' }))).toBeUndefined();
  });
});

describe('kindForStatus', () => {
  it.each([
    [401, ProviderErrorKind.authentication],
    [403, ProviderErrorKind.authentication],
    [408, ProviderErrorKind.timeout],
    [429, ProviderErrorKind.rateLimited],
    [503, ProviderErrorKind.overloaded],
    [529, ProviderErrorKind.overloaded],
    [500, ProviderErrorKind.server],
    [504, ProviderErrorKind.server],
    [404, ProviderErrorKind.badRequest],
    [422, ProviderErrorKind.badRequest],
  ])('%i → %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('isConnectionFailure', () => {
  it('recognises fetch failures by their cause codes and undici messages, and nothing else', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isConnectionFailure(new TypeError('fetch failed', { cause: refused }))).toBe(true);
    expect(isConnectionFailure(new TypeError('terminated'))).toBe(true);
    expect(isConnectionFailure(new SyntaxError('Unexpected token'))).toBe(false);
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false);
  });
});
