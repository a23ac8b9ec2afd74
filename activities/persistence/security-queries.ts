/**
 * API keys and the audit log as the admin API reads it. The `api_keys` table is added by migration
 * `0008-auth`; its kysely types live here, beside the only code that reads them.
 */
import { sql } from 'kysely';
import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { AuditLogTable } from './database.js';
import { toAuditEntry, toIsoString, toIsoStringOrNull, toJson } from './row-mappers.js';
import type { AuditEntry } from './store.js';

type Timestamp = ColumnType<Date | string, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;

interface ApiKeyTable {
  id: string;
  tenant_id: string;
  name: string;
  secret_hash: string;
  roles: ColumnType<string[], string, string>;
  scopes: ColumnType<string[], string, string>;
  created_by: string;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  rotated_from_id: string | null;
}

interface SecurityDatabase {
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
}

/** One stored API key (the secret itself is never stored: only its hash). */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  secretHash: string;
  roles: string[];
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rotatedFromId: string | null;
}

export type NewApiKey = Omit<ApiKeyRecord, 'createdAt' | 'revokedAt' | 'lastUsedAt'>;

/** The security side of the store: API keys and paged audit reads. */
export interface SecurityStore {
  insertApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Revokes a key of the tenant; false when the tenant has no such key. Revoking twice keeps the first time. */
  revokeApiKey(input: { tenantId: string; id: string }): Promise<boolean>;
  /**
   * Stores the new key and ends the old one at `graceUntil` (or earlier, if it expired sooner), in one
   * transaction; false (and nothing written) when the tenant has no such live key.
   */
  rotateApiKey(input: { tenantId: string; oldId: string; newKey: NewApiKey; graceUntil: string }): Promise<ApiKeyRecord | null>;
  touchApiKey(id: string, at: string): Promise<void>;
  /** The tenant's audit entries, newest first; `beforeId` pages back. */
  listAuditPage(input: { tenantId: string; action?: string; beforeId?: string; limit: number }): Promise<AuditEntry[]>;
}

function toApiKeyRecord(row: Selectable<ApiKeyTable>): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    secretHash: row.secret_hash,
    roles: row.roles,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: toIsoString(row.created_at),
    expiresAt: toIsoStringOrNull(row.expires_at),
    revokedAt: toIsoStringOrNull(row.revoked_at),
    lastUsedAt: toIsoStringOrNull(row.last_used_at),
    rotatedFromId: row.rotated_from_id,
  };
}

function insertValues(key: NewApiKey) {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    name: key.name,
    secret_hash: key.secretHash,
    roles: toJson(key.roles),
    scopes: toJson(key.scopes),
    created_by: key.createdBy,
    expires_at: key.expiresAt,
    rotated_from_id: key.rotatedFromId,
  };
}

/** The `SecurityStore` over the store's kysely instance. */
export function createSecurityStore<Shape>(database: Kysely<Shape>): SecurityStore {
  const db = database as unknown as Kysely<SecurityDatabase>;
  const get = async (id: string) => {
    const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toApiKeyRecord(row);
  };
  return {
    async insertApiKey(key) {
      await db.insertInto('api_keys').values(insertValues(key)).execute();
      return (await get(key.id)) as ApiKeyRecord;
    },
    getApiKey: get,
    async listApiKeys(tenantId) {
      const rows = await db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(toApiKeyRecord);
    },
    async revokeApiKey({ tenantId, id }) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
        .where('id', '=', id)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async rotateApiKey({ tenantId, oldId, newKey, graceUntil }) {
      return await db.transaction().execute(async (transaction) => {
        const ended = await transaction
          .updateTable('api_keys')
          .set({ expires_at: sql<Date>`least(coalesce(expires_at, ${graceUntil}::timestamptz), ${graceUntil}::timestamptz)` })
          .where('id', '=', oldId)
          .where('tenant_id', '=', tenantId)
          .where('revoked_at', 'is', null)
          .where((where) => where.or([where('expires_at', 'is', null), where('expires_at', '>', sql<Date>`now()`)]))
          .executeTakeFirst();
        if (ended.numUpdatedRows === 0n) return null;
        await transaction.insertInto('api_keys').values(insertValues(newKey)).execute();
        const row = await transaction.selectFrom('api_keys').selectAll().where('id', '=', newKey.id).executeTakeFirstOrThrow();
        return toApiKeyRecord(row);
      });
    },
    async touchApiKey(id, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
    async listAuditPage({ tenantId, action, beforeId, limit }) {
      let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
      if (action !== undefined) query = query.where('action', '=', action);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toAuditEntry);
    },
  };
}
