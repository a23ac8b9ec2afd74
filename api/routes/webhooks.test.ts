/**
 * Webhooks end to end: an admin subscribes a receiver through the API; a real worker's turn and review
 * activities fan `turn-finished`, `escalation-created` and `escalation-resolved` out to it, signed; the
 * delivery log shows them; a replay is a new delivery of the same event.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyWebhook } from '../../activities/webhooks/signing.js';
import type { WebhookDeliveryView, WebhookEnvelope } from '../../domain/webhooks.js';
import { startApiHarness, type ApiHarness } from '../../test-support/api-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test-support/webhook-receiver.js';

let database: TestDatabase;
let harness: ApiHarness;
let receiver: WebhookReceiver;

beforeAll(async () => {
  process.env.AGENTCRAFT_WEBHOOK_ALLOW_PRIVATE = 'true';
  database = await createTestDatabase();
  harness = await startApiHarness({ pipeline: { databaseUrl: database.url, settings: { reviewTimeoutMs: 10 * 60_000 } } });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await harness?.close();
  await database?.drop();
});

/** Verified events the receiver got, in arrival order. */
function verifiedEvents(secret: string): WebhookEnvelope[] {
  return receiver.received.filter((request) => request.status === 200).map((request) => verifyWebhook(secret, request.body, request.headers) as WebhookEnvelope);
}

async function waitForEvent(secret: string, matches: (event: WebhookEnvelope) => boolean): Promise<WebhookEnvelope> {
  let found: WebhookEnvelope | undefined;
  await vi.waitFor(() => {
    found = verifiedEvents(secret).find(matches);
    expect(found).toBeDefined();
  }, { timeout: 30_000, interval: 100 });
  return found!;
}

describe('/api/webhooks', () => {
  it('validates endpoints: http(s) only, known events, no unknown fields', async () => {
    for (const body of [{ url: 'ftp://example.com/x', events: ['turn-finished'] }, { url: 'https://example.com/x', events: ['token-delta'] }, { url: 'https://example.com/x', events: [] }, { url: 'https://example.com/x', events: ['turn-finished'], secret: 'mine' }]) {
      const response = await harness.call('POST', '/api/webhooks', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error?.code).toBe('invalid_request');
    }
    expect((await harness.call('DELETE', '/api/webhooks/whe_missing')).status).toBe(404);
    expect((await harness.call('POST', '/api/webhooks/deliveries/whd_missing/replay')).status).toBe(404);
  });

  it('delivers signed turn-finished and escalation events to a subscribed endpoint, logs them, and replays one', async () => {
    const created = await harness.call('POST', '/api/webhooks', { url: receiver.url, events: ['turn-finished', 'escalation-created', 'escalation-resolved'], description: 'CRM sync' });
    expect(created.status).toBe(201);
    const secret = String(created.body.secret);
    const endpoint = created.body.endpoint as { id: string };
    expect(endpoint).toMatchObject({ url: receiver.url, active: true, description: 'CRM sync' });
    const listed = await harness.call('GET', '/api/webhooks');
    expect(listed.body.endpoints).toEqual([created.body.endpoint]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const answered = await harness.call('POST', '/api/chat?wait=true', { message: 'How do I reset my password?' });
    expect(answered.status).toBe(200);
    const turnFinished = await waitForEvent(secret, (event) => event.type === 'turn-finished' && event.data.turnId === answered.body.turnId);
    expect(turnFinished).toMatchObject({ tenantId: 'default', data: { conversationId: answered.body.conversationId, result: { turnId: answered.body.turnId, answer: answered.body.answer } } });

    const escalated = await harness.call('POST', '/api/chat', { message: 'Can I talk to a human about my invoice?' });
    expect(escalated.status).toBe(202);
    const escalation = await waitForEvent(secret, (event) => event.type === 'escalation-created' && event.data.conversationId === escalated.body.conversationId);
    const escalationId = String(escalation.data.escalationId);
    expect(escalation.data).toMatchObject({ turnId: escalated.body.turnId, question: 'Can I talk to a human about my invoice?' });
    const decided = await harness.call('POST', `/api/escalations/${escalationId}/decision`, { action: 'approve', reviewer: 'ana' });
    expect(decided.status).toBe(202);
    const resolved = await waitForEvent(secret, (event) => event.type === 'escalation-resolved' && event.data.escalationId === escalationId);
    expect(resolved.data).toMatchObject({ status: 'approved', reviewer: 'ana', conversationId: escalated.body.conversationId });

    // The delivery log: one delivered delivery per event (a retried activity does not add any).
    let deliveries: WebhookDeliveryView[] = [];
    await vi.waitFor(async () => {
      deliveries = (await harness.call('GET', `/api/webhooks/deliveries?endpointId=${endpoint.id}&status=delivered`)).body.deliveries as WebhookDeliveryView[];
      expect(deliveries.length).toBeGreaterThanOrEqual(4);
    }, { timeout: 30_000, interval: 200 });
    const eventIds = deliveries.map((delivery) => delivery.eventId);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    for (const event of [turnFinished, escalation, resolved]) expect(eventIds).toContain(event.id);

    const original = deliveries.find((delivery) => delivery.eventId === escalation.id)!;
    const replay = await harness.call('POST', `/api/webhooks/deliveries/${original.id}/replay`);
    expect(replay.status).toBe(202);
    const replayId = String(replay.body.deliveryId);
    expect(replayId).not.toBe(original.id);
    await vi.waitFor(async () => {
      const detail = await harness.call('GET', `/api/webhooks/deliveries/${replayId}`);
      expect(detail.body.delivery).toMatchObject({ status: 'delivered', eventId: escalation.id, replayOf: original.id, attempts: 1 });
      expect(detail.body.attempts).toMatchObject([{ attempt: 1, statusCode: 200 }]);
    }, { timeout: 30_000, interval: 200 });
    expect(verifiedEvents(secret).filter((event) => event.id === escalation.id)).toHaveLength(2);

    expect((await fetch(`${harness.baseUrl}/api/webhooks/${endpoint.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await harness.call('GET', '/api/webhooks')).body.endpoints).toEqual([]);
    expect((await harness.call('POST', `/api/webhooks/deliveries/${original.id}/replay`)).status).toBe(404);
  });
});
