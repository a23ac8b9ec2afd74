/**
 * `webhookDeliveryWorkflow`: one per delivery (id `webhook-delivery-<deliveryId>`). Temporal retries the
 * signed POST with exponential backoff (1 s doubling, at most 10 min apart) up to `maxAttempts`; when the
 * retries run out or the receiver refuses for good, the delivery is marked failed.
 */
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DeliverWebhookResult } from '../activities/webhooks/deliver.js';
import type { WebhookDeliveryInput } from '../domain/webhook-delivery.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../domain/failure-types.js';

const bookkeeping = proxyActivities<Pick<Activities, 'failWebhookDelivery'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

/** The last attempt's reason, as the activity reported it. */
function reasonOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return cause.message;
  return cause instanceof Error ? cause.message : 'delivery failed';
}

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<DeliverWebhookResult> {
  const delivery = proxyActivities<Pick<Activities, 'deliverWebhook'>>({
    // Above the longest HTTP timeout allowed (120 s).
    startToCloseTimeout: '150 seconds',
    // The expiry: however many attempts remain, a delivery does not outlive three days.
    scheduleToCloseTimeout: '3 days',
    retry: {
      initialInterval: input.initialIntervalMs ?? 1000,
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      maximumAttempts: input.maxAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
    },
  });
  try {
    return await delivery.deliverWebhook({ deliveryId: input.deliveryId });
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = reasonOf(error);
    await bookkeeping.failWebhookDelivery({ deliveryId: input.deliveryId, error: reason });
    return { status: 'failed', attempts: input.maxAttempts, statusCode: null };
  }
}
