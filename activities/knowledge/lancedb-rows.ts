/**
 * The LanceDB table layout of the vector store: one table per tenant and vector size (the table name encodes
 * both, injectively), the Arrow schema, record ↔ row conversion, and SQL `where` predicates built from a
 * `VectorFilter` with every literal escaped (LanceDB filters are SQL strings). Columns are snake_case because
 * unquoted SQL identifiers are case-insensitive.
 */
import { createHash } from 'node:crypto';
import { Field, FixedSizeList, Float32, List, Schema, Utf8 } from 'apache-arrow';
import type { Table as ArrowTable } from 'apache-arrow';
import { z } from 'zod';
import type { VectorFilter, VectorHit, VectorRecord } from './vector-store.js';

/** The name prefix of every tenant table holding `dimensions`-entry vectors (`chunks_512d_…`). */
export const tablePrefix = (dimensions: number): string => `chunks_${dimensions}d_`;

/** Longest tenant encoding kept readable; longer tenant ids are named by their SHA-256 (file names are ≤ 255 bytes). */
const MAX_ENCODED = 120;

/**
 * The table of one tenant's `dimensions`-entry vectors. Injective, so two tenants can never share a table:
 * `t` + the tenant id's UTF-8 bytes with `a-z0-9` kept and every other byte written `_xx` (hex), or, when that
 * is longer than 120 characters, `h` + the SHA-256 of the tenant id. Safe as a LanceDB table and a file name.
 */
export function tenantTableName(dimensions: number, tenantId: string): string {
  let encoded = '';
  for (const byte of Buffer.from(tenantId, 'utf8')) {
    const plain = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39);
    encoded += plain ? String.fromCharCode(byte) : `_${byte.toString(16).padStart(2, '0')}`;
  }
  const name = encoded.length <= MAX_ENCODED ? `t${encoded}` : `h${createHash('sha256').update(tenantId, 'utf8').digest('hex')}`;
  return `${tablePrefix(dimensions)}${name}`;
}

/** The Arrow schema of a chunk table whose vectors have `dimensions` entries. */
export function chunkSchema(dimensions: number): Schema {
  const text = (name: string, nullable = false): Field => new Field(name, new Utf8(), nullable);
  return new Schema([
    text('id'),
    text('tenant_id'),
    text('source_id'),
    text('document_id'),
    new Field('scopes', new List(new Field('item', new Utf8(), true)), false),
    text('payload'),
    new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false),
  ]);
}

/**
 * Columns a search returns: only `payload`, the whole record but its vector as JSON. LanceDB reads each selected
 * column of the hits separately, ~0.5–1 ms of CPU per column at 100k rows (`npm run bench:retrieval`), so the
 * provenance travels in one column; the filter columns beside it are for `where` and the scalar indexes.
 */
export const RESULT_COLUMNS = ['payload'];

/** One table row of a record. */
export function rowOf(record: VectorRecord): Record<string, unknown> {
  const { vector, ...payload } = record;
  return {
    id: record.id,
    tenant_id: record.tenantId,
    source_id: record.sourceId,
    document_id: record.documentId,
    scopes: [...record.scopes],
    payload: JSON.stringify(payload),
    vector,
  };
}

const payloadSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  sourceId: z.string(),
  documentId: z.string(),
  scopes: z.array(z.string()),
  ordinal: z.number(),
  title: z.string(),
  heading: z.string().nullable(),
  url: z.string().nullable(),
  text: z.string(),
  updatedAt: z.string(),
});

/** A hit from a search result row (cosine distance → cosine similarity). */
export function hitOf(row: Record<string, unknown>): VectorHit {
  const distance = Number(row._distance);
  return { record: payloadSchema.parse(JSON.parse(String(row.payload))), score: Number.isFinite(distance) ? 1 - distance : 0 };
}

/**
 * The hits of a search result, read column by column from its Arrow table. Every row must belong to `tenantId`
 * (a second check behind the per-tenant table; a row of another tenant is a broken store, never a result).
 */
export function hitsOf(result: ArrowTable, tenantId: string): VectorHit[] {
  const rows = result.toArray() as Record<string, unknown>[];
  return rows.map((row) => {
    const hit = hitOf(row);
    if (hit.record.tenantId !== tenantId) throw new Error(`LanceDB table of tenant ${JSON.stringify(tenantId)} returned a row of another tenant`);
    return hit;
  });
}

/**
 * A SQL string literal. Standard SQL (and DataFusion, which parses LanceDB filters) ends a literal only at a
 * single quote and reads a doubled quote as one; a backslash is an ordinary character. NUL is refused.
 */
export function sqlLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('A filter value cannot contain NUL');
  return `'${value.replaceAll("'", "''")}'`;
}

const literalList = (values: string[]): string => values.map(sqlLiteral).join(', ');

/**
 * The `where` predicate of a filter within its tenant's table: each any-of list that is present, all of them
 * together; `undefined` when there is none (the tenant is the table, not a clause).
 */
export function wherePredicate(filter: VectorFilter): string | undefined {
  const clauses: string[] = [];
  if (filter.sourceIds !== undefined) clauses.push(`source_id IN (${literalList(filter.sourceIds)})`);
  if (filter.documentIds !== undefined) clauses.push(`document_id IN (${literalList(filter.documentIds)})`);
  if (filter.scopes !== undefined) clauses.push(`array_has_any(scopes, make_array(${literalList(filter.scopes)}))`);
  return clauses.length === 0 ? undefined : clauses.join(' AND ');
}
