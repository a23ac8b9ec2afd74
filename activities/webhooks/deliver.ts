/**
 * The delivery activities: `deliverWebhook` makes one signed HTTP attempt and logs it; Temporal's retry policy
 * (set by `webhookDeliveryWorkflow`) owns the retries. 5xx, 408, 409, 429 and network errors are retryable
 * (`Retry-After` is honoured); other 4xx, redirects and forbidden addresses fail the delivery for good.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failure-types.js';
import { SecretDecryptionError } from '../../domain/secret-box.js';
import type { WebhookDeliveryStatus } from '../../domain/webhooks.js';
import { webhookSettingsFromEnvironment, type WebhookSettings } from '../../domain/webhook-settings.js';
import type { ActivityDependencies } from '../dependencies.js';
import { currentAttempt } from '../events/publisher.js';
import { ForbiddenAddressError, postWebhook } from './safe-post.js';
import { signWebhook } from './signing.js';

/** Type of the retryable failure of one attempt (retryable, so not in `FailureType`). */
export const WEBHOOK_ATTEMPT_FAILED = 'WebhookAttemptFailed';

export interface DeliverWebhookInput {
  deliveryId: string;
}

export interface DeliverWebhookResult {
  status: WebhookDeliveryStatus;
  attempts: number;
  statusCode: number | null;
}

/** Status codes worth another try: the receiver is down, overloaded, slow or busy. */
export function isRetryableStatus(statusCode: number): boolean {
  return statusCode >= 500 || statusCode === 408 || statusCode === 409 || statusCode === 429;
}

/** Longest `Retry-After` honoured; beyond it the usual backoff applies. */
const MAX_RETRY_AFTER_SECONDS = 3600;

export function createWebhookActivities(dependencies: Pick<ActivityDependencies, 'store' | 'logger'>, settings: WebhookSettings = webhookSettingsFromEnvironment()) {
  const webhooks = dependencies.store.webhooks;

  async function rejected(deliveryId: string, attempt: number, statusCode: number | null, error: string, durationMs: number): Promise<never> {
    await webhooks.recordAttempt({ deliveryId, attempt, statusCode, error, durationMs, status: 'failed' });
    throw ApplicationFailure.nonRetryable(error, FailureType.WebhookRejected);
  }

  /**
   * The endpoint with its secret. A secret sealed with a key this worker lacks fails the delivery for good, saying
   * which key to configure; once it is, the delivery can be replayed.
   */
  async function endpointOf(deliveryId: string, endpointId: string) {
    try {
      return await webhooks.getEndpoint(endpointId);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      await webhooks.markFailed({ deliveryId, error: `Not signed: ${error.message}` });
      throw ApplicationFailure.nonRetryable(`Webhook delivery ${deliveryId}: ${error.message}`, FailureType.MissingConfiguration);
    }
  }

  return {
    /** One signed POST of the delivery's event to its endpoint; throws to retry. Idempotent per attempt. */
    async deliverWebhook(input: DeliverWebhookInput): Promise<DeliverWebhookResult> {
      const delivery = await webhooks.getDelivery(input.deliveryId);
      if (delivery === null) throw ApplicationFailure.nonRetryable(`Webhook delivery ${input.deliveryId} not found`, FailureType.NotFound);
      if (delivery.status !== 'pending') return { status: delivery.status, attempts: delivery.attempts, statusCode: delivery.lastStatusCode };
      const endpoint = await endpointOf(delivery.id, delivery.endpointId);
      const event = await webhooks.getEvent(delivery.eventId);
      if (endpoint === null || endpoint.deleted || event === null) {
        const reason = event === null ? 'its event is missing' : 'the endpoint was deleted';
        await webhooks.markFailed({ deliveryId: delivery.id, error: `Not delivered: ${reason}` });
        throw ApplicationFailure.nonRetryable(`Webhook delivery ${delivery.id}: ${reason}`, FailureType.NotFound);
      }
      const attempt = currentAttempt();
      const body = JSON.stringify(event);
      const headers = signWebhook(endpoint.secret, event.id, new Date(), body);
      const startedAt = performance.now();
      const elapsed = (): number => performance.now() - startedAt;
      let response;
      try {
        response = await postWebhook({ url: endpoint.url, headers: { ...headers }, body, timeoutMs: settings.timeoutMs, allowPrivateAddresses: settings.allowPrivateAddresses });
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (error instanceof ForbiddenAddressError || (error as { code?: unknown }).code === 'EFORBIDDENADDRESS') return rejected(delivery.id, attempt, null, message, elapsed());
        await webhooks.recordAttempt({ deliveryId: delivery.id, attempt, statusCode: null, error: message, durationMs: elapsed(), status: 'pending' });
        throw ApplicationFailure.retryable(`Webhook attempt ${attempt} failed: ${message}`, WEBHOOK_ATTEMPT_FAILED);
      }
      const { statusCode } = response;
      if (statusCode >= 200 && statusCode < 300) {
        await webhooks.recordAttempt({ deliveryId: delivery.id, attempt, statusCode, error: null, durationMs: elapsed(), status: 'delivered' });
        dependencies.logger.info({ deliveryId: delivery.id, endpointId: endpoint.id, eventId: event.id, attempt, statusCode }, 'webhook delivered');
        return { status: 'delivered', attempts: attempt, statusCode };
      }
      const error = `Receiver answered HTTP ${statusCode}`;
      if (!isRetryableStatus(statusCode)) return rejected(delivery.id, attempt, statusCode, error, elapsed());
      await webhooks.recordAttempt({ deliveryId: delivery.id, attempt, statusCode, error, durationMs: elapsed(), status: 'pending' });
      const retryAfter = response.retryAfterSeconds;
      throw ApplicationFailure.create({
        message: `Webhook attempt ${attempt} failed: ${error}`,
        type: WEBHOOK_ATTEMPT_FAILED,
        ...(retryAfter === null ? {} : { nextRetryDelay: Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS) * 1000 }),
      });
    },

    /** Marks the delivery failed for good (the workflow calls it when the retries are exhausted). */
    async failWebhookDelivery(input: { deliveryId: string; error: string }): Promise<void> {
      await webhooks.markFailed(input);
      dependencies.logger.warn(input, 'webhook delivery failed for good');
    },
  };
}
