/**
 * Table types of migration 0007 (knowledge sources, uploads, per-document sync state), kept beside their
 * queries; `db.withTables<KnowledgeSourceTables>()` adds them to the store's schema.
 */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../../persistence/database.js';

type Timestamp = ColumnType<Date | string, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;

// Type aliases, not interfaces: `withTables` needs index-signature-compatible records.
export type KnowledgeSourceTables = {
  knowledge_sources: {
    id: string;
    tenant_id: string;
    kind: string;
    name: string;
    settings: ColumnType<Record<string, unknown>, string, string>;
    scopes: ColumnType<string[], string[] | undefined, string[]>;
    sync_interval_seconds: number;
    status: ColumnType<string, string | undefined, string>;
    sync_id: ColumnType<string | null, string | null | undefined, string | null>;
    last_sync_started_at: NullableTimestamp;
    last_synced_at: NullableTimestamp;
    last_error: ColumnType<string | null, string | null | undefined, string | null>;
    last_sync_stats: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  knowledge_uploads: {
    id: string;
    tenant_id: string;
    source_id: string;
    filename: string;
    media_type: string;
    title: string | null;
    size_bytes: number;
    body: Uint8Array;
    status: ColumnType<string, string | undefined, string>;
    error: ColumnType<string | null, string | null | undefined, string | null>;
    created_at: Timestamp;
    indexed_at: NullableTimestamp;
  };
  knowledge_source_documents: {
    source_id: string;
    document_id: string;
    tenant_id: string;
    url: string | null;
    last_seen_sync: string | null;
    content_hash: ColumnType<string | null, string | null | undefined, string | null>;
    fetched_at: NullableTimestamp;
    indexed_at: NullableTimestamp;
    embed_count: ColumnType<number, number | undefined, number>;
  };
};

export type SourceDatabase = Kysely<Database & KnowledgeSourceTables>;

/** The store's kysely instance with the knowledge-source tables added. */
export function withSourceTables(db: Kysely<Database>): SourceDatabase {
  return db.withTables<KnowledgeSourceTables>();
}

/** An ISO string from a driver timestamp. */
export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}
