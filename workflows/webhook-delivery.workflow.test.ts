/**
 * Webhook deliveries on a real worker, Temporal dev server and PostgreSQL, against a receiver on loopback:
 * retries with backoff until the receiver recovers, a permanent refusal, signatures on every attempt.
 */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities, type DeliverWebhookResult } from '../activities/webhooks/deliver.js';
import { verifyWebhook } from '../activities/webhooks/signing.js';
import { generateWebhookSecret } from '../domain/webhook-security.js';
import { startWebhookDelivery, webhookDeliveryWorkflowId } from '../domain/webhook-delivery.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../test-support/pipeline.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';

let database: TestDatabase;
let pipeline: TestPipeline;
let receiver: WebhookReceiver;
const secret = generateWebhookSecret();

beforeAll(async () => {
  // The receiver listens on loopback, which deliveries refuse unless allowed.
  process.env.AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE = 'true';
  database = await createTestDatabase();
  pipeline = await startTestPipeline({ databaseUrl: database.url });
  receiver = await startWebhookReceiver();
  await pipeline.store.webhooks.createEndpoint({ id: 'whe_test', tenantId: 'default', url: receiver.url, events: ['turn-finished'], secret, description: null });
});

afterAll(async () => {
  await receiver?.close();
  await pipeline?.close();
  await database?.drop();
});

/** Stores an event and a delivery of it, runs the delivery workflow to its end and returns its result. */
async function deliver(key: string): Promise<{ deliveryId: string; eventId: string; result: DeliverWebhookResult }> {
  const event = await pipeline.store.webhooks.saveEvent({ id: `evt_${key}`, type: 'turn-finished', tenantId: 'default', createdAt: new Date().toISOString(), data: { turnId: `${key}.1` } });
  const deliveryId = `whd_${key}`;
  await pipeline.store.webhooks.createDelivery({ id: deliveryId, tenantId: 'default', endpointId: 'whe_test', eventId: event.id });
  expect(await startWebhookDelivery(pipeline.client, { deliveryId, maxAttempts: 4, initialIntervalMs: 100, taskQueue: pipeline.taskQueue })).toBe(true);
  // Starting the same delivery again is a no-op, not a second delivery.
  expect(await startWebhookDelivery(pipeline.client, { deliveryId, maxAttempts: 4, initialIntervalMs: 100, taskQueue: pipeline.taskQueue })).toBe(false);
  const result = await pipeline.client.workflow.getHandle<() => Promise<DeliverWebhookResult>>(webhookDeliveryWorkflowId(deliveryId)).result();
  return { deliveryId, eventId: event.id, result };
}

describe('webhookDeliveryWorkflow', () => {
  it('retries a failing receiver with backoff: 500, 500, then 200 is delivered after 3 attempts, each logged and signed', async () => {
    receiver.respondWith(500, 500);
    const before = receiver.received.length;
    const { deliveryId, eventId, result } = await deliver('retry');
    expect(result).toEqual({ status: 'delivered', attempts: 3, statusCode: 200 });

    const requests = receiver.received.slice(before);
    expect(requests.map((request) => request.status)).toEqual([500, 500, 200]);
    for (const request of requests) {
      expect(request.headers['webhook-id']).toBe(eventId);
      expect(verifyWebhook(secret, request.body, request.headers)).toMatchObject({ id: eventId, type: 'turn-finished', tenantId: 'default', data: { turnId: 'retry.1' } });
    }
    const delivery = await pipeline.store.webhooks.getDelivery(deliveryId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(delivery?.deliveredAt).not.toBeNull();
    const attempts = await pipeline.store.webhooks.listAttempts(deliveryId);
    expect(attempts.map(({ attempt, statusCode, error }) => ({ attempt, statusCode, error }))).toEqual([
      { attempt: 1, statusCode: 500, error: 'Receiver answered HTTP 500' },
      { attempt: 2, statusCode: 500, error: 'Receiver answered HTTP 500' },
      { attempt: 3, statusCode: 200, error: null },
    ]);
    // `RECORD_HISTORIES=1` saves this run (two retries, then delivered) for the replay test.
    if (process.env.RECORD_HISTORIES === '1') {
      const history = await pipeline.client.workflow.getHandle(webhookDeliveryWorkflowId(deliveryId)).fetchHistory();
      await writeFile(new URL('./__fixtures__/v5-webhook-delivery-history.json', import.meta.url), historyToJSON(history));
    }
  });

  it('fails at once, without retrying, when the receiver refuses for good (HTTP 400)', async () => {
    receiver.respondWith(400);
    const before = receiver.received.length;
    const { deliveryId, result } = await deliver('refused');
    expect(result.status).toBe('failed');
    expect(receiver.received.length - before).toBe(1);
    expect(await pipeline.store.webhooks.getDelivery(deliveryId)).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 400, lastError: 'Receiver answered HTTP 400' });
  });

  it('marks the delivery failed when every attempt fails (503 four times with maxAttempts 4)', async () => {
    receiver.respondWith(503, 503, 503, 503);
    const { deliveryId, result } = await deliver('exhausted');
    expect(result.status).toBe('failed');
    const delivery = await pipeline.store.webhooks.getDelivery(deliveryId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 503 });
    expect(delivery?.lastError).toMatch(/HTTP 503/);
    expect((await pipeline.store.webhooks.listAttempts(deliveryId)).map((attempt) => attempt.statusCode)).toEqual([503, 503, 503, 503]);
  });

  it('refuses loopback endpoints when private addresses are not allowed (an SSRF guard), without retrying', async () => {
    const activities = createWebhookActivities({ store: pipeline.store, logger: testLogger }, { timeoutMs: 2000, maxAttempts: 3, allowPrivateAddresses: false });
    const event = await pipeline.store.webhooks.saveEvent({ id: 'evt_ssrf', type: 'turn-finished', tenantId: 'default', createdAt: new Date().toISOString(), data: {} });
    await pipeline.store.webhooks.createDelivery({ id: 'whd_ssrf', tenantId: 'default', endpointId: 'whe_test', eventId: event.id });
    const before = receiver.received.length;
    await expect(activities.deliverWebhook({ deliveryId: 'whd_ssrf' })).rejects.toMatchObject({ type: 'WebhookRejected', nonRetryable: true, message: expect.stringMatching(/non-public/) as unknown });
    expect(receiver.received.length).toBe(before);
    expect(await pipeline.store.webhooks.getDelivery('whd_ssrf')).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
