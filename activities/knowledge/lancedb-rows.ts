/**
 * The LanceDB table layout of the vector store: the Arrow schema, record ↔ row conversion, and SQL `where`
 * predicates built from a `VectorFilter` with every literal escaped (LanceDB filters are SQL strings).
 * Columns are snake_case because unquoted SQL identifiers are case-insensitive.
 */
import { Field, FixedSizeList, Float32, Int32, List, Schema, Utf8 } from 'apache-arrow';
import type { VectorFilter, VectorHit, VectorRecord } from './vector-store.js';

/** The Arrow schema of a chunk table whose vectors have `dimensions` entries. */
export function chunkSchema(dimensions: number): Schema {
  const text = (name: string, nullable = false): Field => new Field(name, new Utf8(), nullable);
  return new Schema([
    text('id'),
    text('tenant_id'),
    text('source_id'),
    text('document_id'),
    new Field('scopes', new List(new Field('item', new Utf8(), true)), false),
    new Field('ordinal', new Int32(), false),
    text('title'),
    text('heading', true),
    text('url', true),
    text('text'),
    text('updated_at'),
    new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false),
  ]);
}

/** Columns a search returns (everything but the vector). */
export const RESULT_COLUMNS = ['id', 'tenant_id', 'source_id', 'document_id', 'scopes', 'ordinal', 'title', 'heading', 'url', 'text', 'updated_at'];

/** One table row of a record. */
export function rowOf(record: VectorRecord): Record<string, unknown> {
  return {
    id: record.id,
    tenant_id: record.tenantId,
    source_id: record.sourceId,
    document_id: record.documentId,
    scopes: [...record.scopes],
    ordinal: record.ordinal,
    title: record.title,
    heading: record.heading,
    url: record.url,
    text: record.text,
    updated_at: record.updatedAt,
    vector: record.vector,
  };
}

const asString = (value: unknown): string => (typeof value === 'string' ? value : String(value));
const asNullableString = (value: unknown): string | null => (value === null || value === undefined ? null : asString(value));

/** A hit from a search result row (cosine distance → cosine similarity). */
export function hitOf(row: Record<string, unknown>): VectorHit {
  const scopes = row.scopes as Iterable<unknown> | null | undefined;
  const distance = Number(row._distance);
  return {
    record: {
      id: asString(row.id),
      tenantId: asString(row.tenant_id),
      sourceId: asString(row.source_id),
      documentId: asString(row.document_id),
      scopes: scopes === null || scopes === undefined ? [] : Array.from(scopes, asString),
      ordinal: Number(row.ordinal),
      title: asString(row.title),
      heading: asNullableString(row.heading),
      url: asNullableString(row.url),
      text: asString(row.text),
      updatedAt: asString(row.updated_at),
    },
    score: Number.isFinite(distance) ? 1 - distance : 0,
  };
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

/** The `where` predicate of a filter: always the tenant, then each any-of list that is present. */
export function wherePredicate(filter: VectorFilter): string {
  const clauses = [`tenant_id = ${sqlLiteral(filter.tenantId)}`];
  if (filter.sourceIds !== undefined) clauses.push(`source_id IN (${literalList(filter.sourceIds)})`);
  if (filter.documentIds !== undefined) clauses.push(`document_id IN (${literalList(filter.documentIds)})`);
  if (filter.scopes !== undefined) clauses.push(`array_has_any(scopes, make_array(${literalList(filter.scopes)}))`);
  return clauses.join(' AND ');
}
