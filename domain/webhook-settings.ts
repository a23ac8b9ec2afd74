/**
 * Webhook delivery settings from the environment (read once per process):
 * - `AGENTCRAFT_WEBHOOK_TIMEOUT_MS` (default 10000): bound on one HTTP attempt;
 * - `AGENTCRAFT_WEBHOOK_MAX_ATTEMPTS` (default 15: backoff from 1 s doubling to 10 min, ≈ 1 h in all): attempts before a delivery fails;
 * - `AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE` (default false): allow endpoints on loopback, private and link-local
 *   addresses (needed for local receivers and tests; leave off in production and restrict egress too).
 */
import { z } from 'zod';

const booleanText = z.enum(['true', 'false', '1', '0', '']).transform((value) => value === 'true' || value === '1');

const settingsSchema = z.object({
  AGENTCRAFT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AGENTCRAFT_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(15),
  AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE: booleanText.default(false),
});

export interface WebhookSettings {
  timeoutMs: number;
  maxAttempts: number;
  allowPrivateAddresses: boolean;
}

/** Parses the settings; a malformed value throws with the variable's name. */
export function webhookSettingsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const parsed = settingsSchema.parse(environment);
  return {
    timeoutMs: parsed.AGENTCRAFT_WEBHOOK_TIMEOUT_MS,
    maxAttempts: parsed.AGENTCRAFT_WEBHOOK_MAX_ATTEMPTS,
    allowPrivateAddresses: parsed.AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE,
  };
}
