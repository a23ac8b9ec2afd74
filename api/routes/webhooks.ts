/**
 * Webhook administration (admins only, per tenant): endpoints (`GET|POST /api/webhooks`, `DELETE
 * /api/webhooks/:id`), the delivery log with each attempt, and replay (a new delivery of the same event,
 * started as its own `webhookDeliveryWorkflow`). The secret is shown once, at creation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import { startWebhookDelivery } from '../../domain/webhook-delivery.js';
import { generateWebhookSecret, literalPrivateHost } from '../../domain/webhook-security.js';
import { webhookSettingsFromEnvironment } from '../../domain/webhook-settings.js';
import { CreateWebhookSchema, WebhookDeliveriesQuerySchema, webhookIdSchema } from '../../domain/webhooks.js';
import { requireRole, tenantOf } from '../auth/principal.js';
import { toApiError } from '../conversation-client.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { bindLogFields } from '../request-context.js';
import { jsonBody } from './json-body.js';
import type { RouteDependencies } from './route-dependencies.js';

/** Path parameters of `/api/webhooks/:id` and `/api/webhooks/deliveries/:id…`. */
export const webhookParamsSchema = z.object({ id: webhookIdSchema });

const deliveryNotFound = () => new ApiError(404, ErrorCode.notFound, 'Webhook delivery not found');

export function webhooksRouter(dependencies: RouteDependencies): Router {
  const { store, temporal, configuration } = dependencies;
  const settings = webhookSettingsFromEnvironment();
  const router = express.Router();
  router.use('/api/webhooks', requireRole(['admin'], 'admin'));

  router.get('/api/webhooks', async (request, response) => {
    response.json({ endpoints: await store.webhooks.listEndpoints(tenantOf(request)) });
  });

  router.post('/api/webhooks', ...jsonBody(configuration.bodyLimitBytes), async (request, response) => {
    const body = parseOrThrow(CreateWebhookSchema, request.body, 'request body');
    const privateHost = literalPrivateHost(new URL(body.url));
    if (privateHost !== null && !settings.allowPrivateAddresses) {
      throw new ApiError(400, ErrorCode.invalidRequest, `Invalid request body: url: ${privateHost} is not a public address (AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE=true allows it)`);
    }
    const secret = generateWebhookSecret();
    const endpoint = await store.webhooks.createEndpoint({
      id: `whe_${randomBytes(12).toString('base64url')}`,
      tenantId: tenantOf(request),
      url: body.url,
      events: [...new Set(body.events)],
      secret,
      description: body.description ?? null,
    });
    bindLogFields(response, { endpointId: endpoint.id }).info({ events: endpoint.events }, 'webhook endpoint created');
    const { id, url, events, active, createdAt, description } = endpoint;
    response.status(201).json({ endpoint: { id, url, events, active, createdAt, description }, secret });
  });

  // Before `/api/webhooks/:id`-style routes could take "deliveries" for an id.
  router.get('/api/webhooks/deliveries', async (request, response) => {
    const query = parseOrThrow(WebhookDeliveriesQuerySchema, request.query, 'query string');
    const deliveries = await store.webhooks.listDeliveries({
      tenantId: tenantOf(request),
      ...(query.endpointId === undefined ? {} : { endpointId: query.endpointId }),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    response.json({ deliveries });
  });

  router.get('/api/webhooks/deliveries/:id', async (request, response) => {
    const { id } = parseOrThrow(webhookParamsSchema, request.params, 'path');
    const delivery = await store.webhooks.getDelivery(id);
    if (delivery === null || delivery.tenantId !== tenantOf(request)) throw deliveryNotFound();
    const { tenantId: _tenantId, ...view } = delivery;
    response.json({ delivery: view, attempts: await store.webhooks.listAttempts(id) });
  });

  router.post('/api/webhooks/deliveries/:id/replay', async (request, response) => {
    const { id } = parseOrThrow(webhookParamsSchema, request.params, 'path');
    const tenantId = tenantOf(request);
    const original = await store.webhooks.getDelivery(id);
    if (original === null || original.tenantId !== tenantId) throw deliveryNotFound();
    const endpoint = await store.webhooks.getEndpointSummary(original.endpointId);
    if (endpoint === null || endpoint.deleted) throw new ApiError(404, ErrorCode.notFound, 'The delivery\'s endpoint was deleted');
    const deliveryId = `whd_${randomUUID().replaceAll('-', '')}`;
    await store.webhooks.createDelivery({ id: deliveryId, tenantId, endpointId: original.endpointId, eventId: original.eventId, replayOf: original.id });
    try {
      await startWebhookDelivery(temporal, { deliveryId, maxAttempts: settings.maxAttempts, taskQueue: configuration.temporal.taskQueue });
    } catch (error) {
      await store.webhooks.markFailed({ deliveryId, error: 'The delivery workflow could not be started' });
      throw toApiError(error);
    }
    bindLogFields(response, { deliveryId }).info({ replayOf: original.id }, 'webhook delivery replayed');
    response.status(202).json({ deliveryId });
  });

  router.delete('/api/webhooks/:id', async (request, response) => {
    const { id } = parseOrThrow(webhookParamsSchema, request.params, 'path');
    if (!(await store.webhooks.deleteEndpoint({ tenantId: tenantOf(request), id }))) throw new ApiError(404, ErrorCode.notFound, 'Webhook endpoint not found');
    response.status(204).end();
  });

  return router;
}
