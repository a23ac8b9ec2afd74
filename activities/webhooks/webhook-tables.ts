/**
 * Kysely table types of the webhook tables (migration `0009-webhooks`). Kept beside the webhook code and
 * added to the store's database type with `db.withTables<WebhookTables>()`.
 */
import type { ColumnType, Generated } from 'kysely';

type TimestampWithDefault = ColumnType<Date | string, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;

/** A subscriber: where to POST which event types, signed with its secret. */
export interface WebhookEndpointTable {
  id: string;
  tenant_id: string;
  url: string;
  events: ColumnType<string[], string, string>;
  /** `whsec_<base64>`: needed in clear to sign, never returned after creation. */
  secret: string;
  description: string | null;
  active: Generated<boolean>;
  created_at: TimestampWithDefault;
  /** Soft delete: the delivery log keeps naming the endpoint. */
  deleted_at: NullableTimestamp;
}

/** One event as sent (the JSON body), stored once so retries and replays send the same thing. */
export interface WebhookEventTable {
  id: string;
  tenant_id: string;
  type: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  created_at: TimestampWithDefault;
}

/** One delivery of one event to one endpoint (a replay is a new delivery). */
export interface WebhookDeliveryTable {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  status: ColumnType<string, string | undefined, string>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  replay_of: string | null;
  created_at: TimestampWithDefault;
  delivered_at: NullableTimestamp;
}

/** The log of every HTTP attempt of a delivery; (delivery_id, attempt) is unique. */
export interface WebhookAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: TimestampWithDefault;
}

/** A type alias, not an interface: `withTables` needs the implicit index signature. */
export type WebhookTables = {
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
};
