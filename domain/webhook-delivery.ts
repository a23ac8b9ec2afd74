/**
 * Starting a webhook delivery: one `webhookDeliveryWorkflow` per delivery, id `webhook-delivery-<deliveryId>`,
 * so a retried start (an activity retry, a double-clicked replay) never delivers twice. Shared by the
 * activities that fan events out and the API's replay route.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** The delivery workflow's id. */
export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}

/** Input of `webhookDeliveryWorkflow`. */
export interface WebhookDeliveryInput {
  deliveryId: string;
  /** Attempts before the delivery fails for good (exponential backoff from 1 s, capped at 10 min). */
  maxAttempts: number;
  /** First retry delay (default 1 s; tests shorten it). */
  initialIntervalMs?: number;
}

/** Starts the delivery's workflow; `false` when it was already started (then nothing happens). */
export async function startWebhookDelivery(client: Client, input: WebhookDeliveryInput & { taskQueue: string }): Promise<boolean> {
  const { taskQueue, ...args } = input;
  try {
    await client.workflow.start(WEBHOOK_DELIVERY_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: webhookDeliveryWorkflowId(input.deliveryId),
      args: [args],
      // A finished delivery is never run again under the same id: a replay is a new delivery.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
