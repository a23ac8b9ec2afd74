/**
 * Fans an event out to the tenant's subscribed endpoints: stores the event once, a delivery per endpoint
 * (ids derived from the event and endpoint), and starts one delivery workflow each through the worker's
 * Temporal client. Runs inside the activity that publishes the event, so a retried activity repeats the
 * same keyed writes and the same workflow ids: every event reaches every endpoint once.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Logger } from '../../domain/logger.js';
import { startWebhookDelivery } from '../../domain/webhook-delivery.js';
import { webhookSettingsFromEnvironment, type WebhookSettings } from '../../domain/webhook-settings.js';
import type { WebhookEventType } from '../../domain/webhooks.js';
import type { Store } from '../persistence/store.js';

export interface WebhookEventInput {
  type: WebhookEventType;
  conversationId: string;
  /** Known tenant; else the conversation's. */
  tenantId?: string;
  /** What makes the event unique (a turn id, an escalation id): the same key is the same event. */
  key: string;
  data: Record<string, unknown>;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** The event's id: stable for the same type and key. */
export const webhookEventId = (type: WebhookEventType, key: string): string => `evt_${digest(`${type}:${key}`)}`;
/** The first delivery of an event to an endpoint (replays get random ids). */
export const webhookDeliveryId = (eventId: string, endpointId: string): string => `whd_${digest(`${eventId}:${endpointId}`)}`;

export function createWebhookDispatcher(dependencies: { store: Store; logger: Logger }, settings: WebhookSettings = webhookSettingsFromEnvironment()) {
  const { store, logger } = dependencies;
  /** Returns the ids of the deliveries of this event (none when no endpoint subscribes). */
  return async function dispatchWebhookEvent(input: WebhookEventInput): Promise<string[]> {
    const tenantId = input.tenantId ?? (await store.webhooks.tenantOfConversation(input.conversationId));
    if (tenantId === null) return [];
    const endpoints = await store.webhooks.subscribedEndpoints({ tenantId, type: input.type });
    if (endpoints.length === 0) return [];
    const event = await store.webhooks.saveEvent({
      id: webhookEventId(input.type, input.key),
      type: input.type,
      tenantId,
      createdAt: new Date().toISOString(),
      data: { conversationId: input.conversationId, ...input.data },
    });
    const context = Context.current();
    const deliveryIds: string[] = [];
    for (const endpoint of endpoints) {
      const delivery = await store.webhooks.createDelivery({ id: webhookDeliveryId(event.id, endpoint.id), tenantId, endpointId: endpoint.id, eventId: event.id });
      await startWebhookDelivery(context.client, { deliveryId: delivery.id, maxAttempts: settings.maxAttempts, taskQueue: context.info.taskQueue });
      deliveryIds.push(delivery.id);
    }
    logger.info({ eventId: event.id, type: input.type, deliveries: deliveryIds.length }, 'webhook event dispatched');
    return deliveryIds;
  };
}
