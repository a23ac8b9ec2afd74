/**
 * Persistence of webhooks: endpoints, the events sent, deliveries and their attempt log. Every write is
 * keyed (deterministic ids, ON CONFLICT), so activity retries never duplicate rows.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { WebhookAttemptView, WebhookDeliveryStatus, WebhookDeliveryView, WebhookEndpointView, WebhookEnvelope, WebhookEventType } from '../../domain/webhooks.js';
import { SecretBox, SecretDecryptionError } from '../../domain/secret-box.js';
import type { Database } from '../persistence/database.js';
import { toIsoString, toIsoStringOrNull, toJson } from '../persistence/row-mappers.js';
import type { WebhookDeliveryTable, WebhookEndpointTable, WebhookTables } from './webhook-tables.js';

/** An endpoint as the server sees it: its tenant and whether it was deleted. */
export interface WebhookEndpointSummary extends WebhookEndpointView {
  tenantId: string;
  deleted: boolean;
}

/** An endpoint with what only the delivery side may see: its signing secret (opened from its sealed form). */
export interface WebhookEndpointRecord extends WebhookEndpointSummary {
  secret: string;
}

export interface NewWebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  description: string | null;
}

export interface NewWebhookDelivery {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  replayOf?: string;
}

export interface WebhookAttemptInput {
  deliveryId: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The outcome this attempt gives the delivery (`pending` while Temporal will retry). */
  status: WebhookDeliveryStatus;
}

export interface WebhookDeliveryRecord extends WebhookDeliveryView {
  tenantId: string;
}

/** Webhook persistence (a member of `Store`: `store.webhooks`). */
export interface WebhookStore {
  createEndpoint(input: NewWebhookEndpoint): Promise<WebhookEndpointRecord>;
  listEndpoints(tenantId: string): Promise<WebhookEndpointView[]>;
  /**
   * The endpoint with its secret, deleted or not (deliveries of a deleted endpoint fail); throws
   * `SecretDecryptionError` when its secret was sealed with a key that is not configured.
   */
  getEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  /** The endpoint without its secret, deleted or not (for checks that do not sign). */
  getEndpointSummary(id: string): Promise<WebhookEndpointSummary | null>;
  /** Soft-deletes the tenant's endpoint; false when it does not exist (or is another tenant's). */
  deleteEndpoint(input: { tenantId: string; id: string }): Promise<boolean>;
  /** Active endpoints of the tenant subscribed to `type` (without their secrets). */
  subscribedEndpoints(input: { tenantId: string; type: WebhookEventType }): Promise<WebhookEndpointSummary[]>;
  /**
   * Seals every stored secret that is in the clear or sealed with another key than the primary one (run at
   * start-up; idempotent). Returns how many it sealed, how many stay in the clear (all of them without keys), and
   * how many are sealed with keys this process lacks (left as they are; their deliveries fail saying so).
   */
  resealSecrets(): Promise<{ resealed: number; inClear: number; unreadable: number }>;
  /** Stores the event once; returns the stored one (a retry gets the first `createdAt`). */
  saveEvent(event: WebhookEnvelope): Promise<WebhookEnvelope>;
  getEvent(id: string): Promise<WebhookEnvelope | null>;
  /** Creates the delivery once (same id: no-op) and returns it. */
  createDelivery(input: NewWebhookDelivery): Promise<WebhookDeliveryRecord>;
  getDelivery(id: string): Promise<WebhookDeliveryRecord | null>;
  listDeliveries(input: { tenantId: string; endpointId?: string; status?: WebhookDeliveryStatus; limit?: number }): Promise<WebhookDeliveryView[]>;
  /** Logs one attempt (once per attempt number) and moves the delivery's counters and status. */
  recordAttempt(input: WebhookAttemptInput): Promise<void>;
  /** Marks a pending delivery failed for good (retries exhausted or the endpoint is gone). */
  markFailed(input: { deliveryId: string; error: string }): Promise<void>;
  listAttempts(deliveryId: string): Promise<WebhookAttemptView[]>;
  /** The tenant of a conversation (null when it is not stored). */
  tenantOfConversation(conversationId: string): Promise<string | null>;
}

function toEndpoint(row: Selectable<WebhookEndpointTable>): WebhookEndpointSummary {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    events: row.events as WebhookEventType[],
    active: row.active && row.deleted_at === null,
    createdAt: toIsoString(row.created_at),
    description: row.description,
    deleted: row.deleted_at !== null,
  };
}

function toEndpointView(record: WebhookEndpointSummary): WebhookEndpointView {
  const { id, url, events, active, createdAt, description } = record;
  return { id, url, events, active, createdAt, description };
}

type DeliveryRow = Selectable<WebhookDeliveryTable> & { event_type: string };

function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: toIsoString(row.created_at),
    deliveredAt: toIsoStringOrNull(row.delivered_at),
    replayOf: row.replay_of,
  };
}

/** The webhook store over the store's kysely instance (tables of migration `0009-webhooks`). */
export class KyselyWebhookStore implements WebhookStore {
  readonly #db: Kysely<Database & WebhookTables>;
  readonly #secrets: SecretBox;

  /** `secrets` seals the signing secrets at rest (default: no keys, stored as given). */
  constructor(db: Kysely<Database>, secrets: SecretBox = new SecretBox()) {
    this.#db = db.withTables<WebhookTables>();
    this.#secrets = secrets;
  }

  async createEndpoint(input: NewWebhookEndpoint): Promise<WebhookEndpointRecord> {
    const row = await this.#db
      .insertInto('webhook_endpoints')
      .values({ id: input.id, tenant_id: input.tenantId, url: input.url, events: toJson(input.events), secret: this.#secrets.seal(input.secret), description: input.description })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toEndpoint(row), secret: input.secret };
  }

  async resealSecrets(): Promise<{ resealed: number; inClear: number; unreadable: number }> {
    const rows = await this.#db.selectFrom('webhook_endpoints').select(['id', 'secret']).execute();
    if (!this.#secrets.encrypts) return { resealed: 0, inClear: rows.filter((row) => !SecretBox.isSealed(row.secret)).length, unreadable: 0 };
    let resealed = 0;
    let unreadable = 0;
    for (const row of rows) {
      if (!this.#secrets.needsReseal(row.secret)) continue;
      let secret: string;
      try {
        secret = this.#secrets.open(row.secret);
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        unreadable += 1;
        continue;
      }
      // Only if nobody re-sealed it meanwhile (another process starting at the same time).
      const result = await this.#db.updateTable('webhook_endpoints').set({ secret: this.#secrets.seal(secret) }).where('id', '=', row.id).where('secret', '=', row.secret).executeTakeFirst();
      resealed += Number(result.numUpdatedRows);
    }
    return { resealed, inClear: 0, unreadable };
  }

  async listEndpoints(tenantId: string): Promise<WebhookEndpointView[]> {
    const rows = await this.#db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => toEndpointView(toEndpoint(row)));
  }

  async getEndpoint(id: string): Promise<WebhookEndpointRecord | null> {
    const row = await this.#db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : { ...toEndpoint(row), secret: this.#secrets.open(row.secret) };
  }

  async getEndpointSummary(id: string): Promise<WebhookEndpointSummary | null> {
    const row = await this.#db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toEndpoint(row);
  }

  async deleteEndpoint(input: { tenantId: string; id: string }): Promise<boolean> {
    const result = await this.#db
      .updateTable('webhook_endpoints')
      .set({ deleted_at: sql<Date>`now()`, active: false })
      .where('id', '=', input.id)
      .where('tenant_id', '=', input.tenantId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async subscribedEndpoints(input: { tenantId: string; type: WebhookEventType }): Promise<WebhookEndpointSummary[]> {
    const rows = await this.#db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('tenant_id', '=', input.tenantId)
      .where('active', '=', true)
      .where('deleted_at', 'is', null)
      .where(sql<boolean>`events @> ${toJson([input.type])}::jsonb`)
      .orderBy('id')
      .execute();
    return rows.map(toEndpoint);
  }

  async saveEvent(event: WebhookEnvelope): Promise<WebhookEnvelope> {
    await this.#db
      .insertInto('webhook_events')
      .values({ id: event.id, tenant_id: event.tenantId, type: event.type, data: toJson(event.data), created_at: event.createdAt })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
    const stored = await this.getEvent(event.id);
    if (stored === null) throw new Error(`Webhook event ${event.id} was not stored`);
    return stored;
  }

  async getEvent(id: string): Promise<WebhookEnvelope | null> {
    const row = await this.#db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    return { id: row.id, type: row.type as WebhookEventType, tenantId: row.tenant_id, createdAt: toIsoString(row.created_at), data: row.data };
  }

  async createDelivery(input: NewWebhookDelivery): Promise<WebhookDeliveryRecord> {
    await this.#db
      .insertInto('webhook_deliveries')
      .values({ id: input.id, tenant_id: input.tenantId, endpoint_id: input.endpointId, event_id: input.eventId, replay_of: input.replayOf ?? null })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
    const stored = await this.getDelivery(input.id);
    if (stored === null) throw new Error(`Webhook delivery ${input.id} was not stored`);
    return stored;
  }

  #deliveries() {
    return this.#db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
      .selectAll('webhook_deliveries')
      .select('webhook_events.type as event_type');
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    const row = await this.#deliveries().where('webhook_deliveries.id', '=', id).executeTakeFirst();
    return row === undefined ? null : toDelivery(row);
  }

  async listDeliveries(input: { tenantId: string; endpointId?: string; status?: WebhookDeliveryStatus; limit?: number }): Promise<WebhookDeliveryView[]> {
    let query = this.#deliveries().where('webhook_deliveries.tenant_id', '=', input.tenantId);
    if (input.endpointId !== undefined) query = query.where('webhook_deliveries.endpoint_id', '=', input.endpointId);
    if (input.status !== undefined) query = query.where('webhook_deliveries.status', '=', input.status);
    const rows = await query.orderBy('webhook_deliveries.created_at', 'desc').orderBy('webhook_deliveries.id').limit(input.limit ?? 100).execute();
    return rows.map((row) => {
      const { tenantId: _tenantId, ...view } = toDelivery(row);
      return view;
    });
  }

  async recordAttempt(input: WebhookAttemptInput): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      await transaction
        .insertInto('webhook_attempts')
        .values({ delivery_id: input.deliveryId, attempt: input.attempt, status_code: input.statusCode, error: input.error, duration_ms: Math.round(input.durationMs) })
        .onConflict((conflict) => conflict.columns(['delivery_id', 'attempt']).doNothing())
        .execute();
      await transaction
        .updateTable('webhook_deliveries')
        .set({
          attempts: sql<number>`greatest(attempts, ${input.attempt})`,
          last_status_code: input.statusCode,
          last_error: input.error,
          status: input.status,
          ...(input.status === 'delivered' ? { delivered_at: sql<Date>`now()` } : {}),
        })
        .where('id', '=', input.deliveryId)
        .where('status', '=', 'pending')
        .execute();
    });
  }

  async markFailed(input: { deliveryId: string; error: string }): Promise<void> {
    await this.#db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: input.error })
      .where('id', '=', input.deliveryId)
      .where('status', '=', 'pending')
      .execute();
  }

  async listAttempts(deliveryId: string): Promise<WebhookAttemptView[]> {
    const rows = await this.#db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
    return rows.map((row) => ({ attempt: row.attempt, statusCode: row.status_code, error: row.error, durationMs: row.duration_ms, at: toIsoString(row.at) }));
  }

  async tenantOfConversation(conversationId: string): Promise<string | null> {
    const row = await this.#db.selectFrom('conversations').select('tenant_id').where('id', '=', conversationId).executeTakeFirst();
    return row?.tenant_id ?? null;
  }
}
