import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook, WebhookVerificationError } from './signing.js';

/** The contract, computed independently: `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` with the decoded secret. */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('Standard Webhooks signatures', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'evt_1', type: 'turn-finished', tenantId: 'default', createdAt: new Date().toISOString(), data: { answer: 'é ✓' } });

  it('signs "<id>.<timestamp>.<body>" with HMAC-SHA256 and a receiver with the secret verifies it', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signWebhook(secret, 'evt_1', new Date(), body);
    expect(headers['webhook-signature']).toBe(expectedSignature(secret, 'evt_1', headers['webhook-timestamp'], body));
    expect(verifyWebhook(secret, body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('rejects a tampered body, a changed id or timestamp, another secret and a stale timestamp', () => {
    const headers = signWebhook(secret, 'evt_1', new Date(), body);
    expect(() => verifyWebhook(secret, body.replace('turn-finished', 'escalation-created'), { ...headers })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, body, { ...headers, 'webhook-id': 'evt_2' })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(generateWebhookSecret(), body, { ...headers })).toThrow(WebhookVerificationError);
    const stale = signWebhook(secret, 'evt_1', new Date(Date.now() - 10 * 60_000), body);
    expect(() => verifyWebhook(secret, body, { ...stale })).toThrow(/timestamp/i);
  });
});
