/**
 * Webhook signing secrets at rest (`AGENTCRAFT_SECRET_KEYS`), on real PostgreSQL: sealed on write, opened for
 * delivery, sealed at start-up when stored in the clear, re-sealed after a key rotation, and a delivery whose
 * key is missing fails for good saying which key to configure.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { generateWebhookSecret } from '../../domain/webhook-security.js';
import { createDatabase, type Database } from '../persistence/database.js';
import { KyselyStore } from '../persistence/kysely-store.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres.js';
import { createWebhookActivities } from './deliver.js';

const logger = createLogger({ name: 'webhook-secrets-test', level: 'silent' });
const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };
let database: TestDatabase;
let raw: Kysely<Database>;
const stores: KyselyStore[] = [];

/** A store over the test database, as a process configured with these keys would open it. */
async function storeWith(keys: (typeof keyA)[]): Promise<KyselyStore> {
  const store = new KyselyStore(createDatabase({ databaseUrl: database.url, logger }), { logger, secretKeys: keys });
  stores.push(store);
  await store.migrate();
  return store;
}

async function storedSecret(id: string): Promise<string> {
  const { rows } = await sql<{ secret: string }>`select secret from webhook_endpoints where id = ${id}`.execute(raw);
  return rows[0]?.secret ?? '';
}

function endpoint(id: string, secret: string) {
  return { id, tenantId: 'default', url: 'https://hooks.example.com/agentcraft', events: ['turn-finished' as const], secret, description: null };
}

beforeAll(async () => {
  database = await createTestDatabase();
  raw = createDatabase({ databaseUrl: database.url, logger });
});

afterAll(async () => {
  await Promise.allSettled([...stores.map((store) => store.close()), raw?.destroy()]);
  await database?.drop();
});

describe('webhook signing secrets at rest', () => {
  it('are sealed on write with the primary key and opened for delivery; views never carry them', async () => {
    const store = await storeWith([keyA]);
    const secret = generateWebhookSecret();
    const created = await store.webhooks.createEndpoint(endpoint('whe_sealed', secret));
    expect(created.secret).toBe(secret);
    const stored = await storedSecret('whe_sealed');
    expect(stored.startsWith('acsec:v1:key-a:')).toBe(true);
    expect(stored).not.toContain(secret);
    expect((await store.webhooks.getEndpoint('whe_sealed'))?.secret).toBe(secret);
    expect(JSON.stringify(await store.webhooks.listEndpoints('default'))).not.toContain('acsec:');
    expect((await store.webhooks.subscribedEndpoints({ tenantId: 'default', type: 'turn-finished' })).map((entry) => entry.id)).toContain('whe_sealed');
  });

  it('stored in the clear before keys were configured, are sealed at the next start; a rotation re-seals them under the new key', async () => {
    const plain = await storeWith([]);
    const secret = generateWebhookSecret();
    await plain.webhooks.createEndpoint(endpoint('whe_legacy', secret));
    expect(await storedSecret('whe_legacy')).toBe(secret);
    expect((await plain.webhooks.resealSecrets()).inClear).toBeGreaterThanOrEqual(1);

    const withKey = await storeWith([keyA]);
    expect(await storedSecret('whe_legacy')).toMatch(/^acsec:v1:key-a:/);
    expect((await withKey.webhooks.getEndpoint('whe_legacy'))?.secret).toBe(secret);
    expect(await withKey.webhooks.resealSecrets()).toEqual({ resealed: 0, inClear: 0, unreadable: 0 });

    // Rotation: key B first, key A still listed; every secret ends up under B, and B alone opens them.
    await storeWith([keyB, keyA]);
    expect(await storedSecret('whe_legacy')).toMatch(/^acsec:v1:key-b:/);
    expect(await storedSecret('whe_sealed')).toMatch(/^acsec:v1:key-b:/);
    const onlyB = await storeWith([keyB]);
    expect((await onlyB.webhooks.getEndpoint('whe_legacy'))?.secret).toBe(secret);
  });

  it('fail a delivery for good, naming the missing key, when the worker cannot open the secret', async () => {
    const sealing = await storeWith([keyB]);
    await sealing.webhooks.createEndpoint(endpoint('whe_locked', generateWebhookSecret()));
    const event = await sealing.webhooks.saveEvent({ id: 'evt_locked', type: 'turn-finished', tenantId: 'default', createdAt: new Date().toISOString(), data: {} });
    await sealing.webhooks.createDelivery({ id: 'whd_locked', tenantId: 'default', endpointId: 'whe_locked', eventId: event.id });

    // A worker whose keys lack B: it starts (the secret is left as it is) and its delivery fails for good.
    const workerStore = await storeWith([keyA]);
    expect(await storedSecret('whe_locked')).toMatch(/^acsec:v1:key-b:/);
    expect((await workerStore.webhooks.resealSecrets()).unreadable).toBeGreaterThanOrEqual(1);
    const activities = createWebhookActivities({ store: workerStore, logger }, { timeoutMs: 2000, maxAttempts: 3, allowPrivateAddresses: false });
    await expect(activities.deliverWebhook({ deliveryId: 'whd_locked' })).rejects.toMatchObject({
      type: 'MissingConfiguration',
      nonRetryable: true,
      message: expect.stringContaining('sealed with key "key-b", which is not configured: add it to AGENTCRAFT_SECRET_KEYS') as unknown,
    });
    const delivery = await workerStore.webhooks.getDelivery('whd_locked');
    expect(delivery?.status).toBe('failed');
    expect(delivery?.lastError).toMatch(/^Not signed: .*key-b/);
    // The endpoint list and the replay check still work without the key: they never open secrets.
    expect((await workerStore.webhooks.listEndpoints('default')).map((entry) => entry.id)).toContain('whe_locked');
    expect(await workerStore.webhooks.getEndpointSummary('whe_locked')).toMatchObject({ id: 'whe_locked', deleted: false });
    expect(JSON.stringify(await workerStore.webhooks.getEndpointSummary('whe_locked'))).not.toContain('acsec:');
  });
});
