/**
 * Webhooks: the event types integrators may subscribe to, the envelope every delivery carries, and the views
 * and inputs of `/api/webhooks` (zod, so the API validates and the OpenAPI document describes the same shapes).
 */
import { z } from 'zod';

/** Event types sent to webhooks (a subset of the stream's event types). */
export const WebhookEventType = {
  turnFinished: 'turn-finished',
  escalationCreated: 'escalation-created',
  escalationResolved: 'escalation-resolved',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
export const WebhookEventTypeSchema = z.enum(Object.values(WebhookEventType) as [WebhookEventType, ...WebhookEventType[]]);

export const WebhookDeliveryStatus = { pending: 'pending', delivered: 'delivered', failed: 'failed' } as const;
export type WebhookDeliveryStatus = (typeof WebhookDeliveryStatus)[keyof typeof WebhookDeliveryStatus];
export const WebhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);

/** Endpoint and delivery ids: `whe_…` and `whd_…` (letters, digits, `_`, `-`). */
export const webhookIdSchema = z.string().regex(/^wh[a-z]_[A-Za-z0-9_-]{1,64}$/, 'must be a webhook id');

/** The JSON body of every delivery; `id` is also the `webhook-id` header (stable across retries and replays). */
export const WebhookEnvelopeSchema = z
  .object({
    id: z.string(),
    type: WebhookEventTypeSchema,
    tenantId: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'WebhookEnvelope' });
export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;

/** `POST /api/webhooks` body. The URL must be http(s); private addresses need `AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE`. */
export const CreateWebhookSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .meta({ description: 'http(s) URL that receives the POSTs' }),
  events: z.array(WebhookEventTypeSchema).min(1).max(3),
  description: z.string().trim().max(500).optional(),
});
export type CreateWebhook = z.infer<typeof CreateWebhookSchema>;

export const WebhookEndpointViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventTypeSchema),
    active: z.boolean(),
    createdAt: z.string(),
    description: z.string().nullable(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.infer<typeof WebhookEndpointViewSchema>;

export const WebhookDeliveryViewSchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: WebhookEventTypeSchema,
    status: WebhookDeliveryStatusSchema,
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    replayOf: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryViewSchema>;

export const WebhookAttemptViewSchema = z.object({
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  at: z.string(),
});
export type WebhookAttemptView = z.infer<typeof WebhookAttemptViewSchema>;

/** `GET /api/webhooks/deliveries` query string. */
export const WebhookDeliveriesQuerySchema = z.looseObject({
  endpointId: webhookIdSchema.optional(),
  status: WebhookDeliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
