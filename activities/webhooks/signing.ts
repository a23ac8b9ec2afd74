/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): secrets `whsec_<base64>`, headers `webhook-id`,
 * `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 * The official `standardwebhooks` package does the HMAC and the constant-time, replay-window verification.
 */
import standardwebhooks from 'standardwebhooks';

const { Webhook, WebhookVerificationError } = standardwebhooks;

/** The three Standard Webhooks headers of one attempt. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Signs `body` for message `id` at `timestamp` (each attempt is signed with its own timestamp). */
export function signWebhook(secret: string, id: string, timestamp: Date, body: string): WebhookSignatureHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
}

/**
 * What a receiver does: verifies the signature over the raw body and that the timestamp is within five
 * minutes, then returns the parsed body. Throws `WebhookVerificationError` otherwise.
 */
export function verifyWebhook(secret: string, body: string, headers: Record<string, string>): unknown {
  return new Webhook(secret).verify(body, headers);
}

export { WebhookVerificationError };
export { generateWebhookSecret } from '../../domain/webhook-security.js';
