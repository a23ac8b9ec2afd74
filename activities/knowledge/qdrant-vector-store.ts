/**
 * `VectorStore` on Qdrant (`QDRANT_URL`), through the official REST client. One collection per vector size
 * (`<prefix>_<dimensions>d`, cosine), created on first use with keyword payload indexes on the filter fields
 * (`tenantId` marked as the tenant key). Qdrant point ids must be unsigned integers or UUIDs, so each chunk's
 * point id is a UUIDv5 of (tenant, chunk id) — upserting again replaces the same point — and the chunk id
 * travels in the payload. Qdrant builds its HNSW index itself, so `optimize()` does nothing.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import type { Schemas } from '@qdrant/js-client-rest';
import { v5 as uuidv5 } from 'uuid';
import { checkSearch, checkTenant, checkedRecords, matchesNothing } from './vector-store-checks.js';
import type { VectorFilter, VectorHit, VectorRecord, VectorSearchRequest, VectorStore } from './vector-store.js';

/** The UUIDv5 namespace of AgentCraft chunk point ids (fixed: changing it would orphan every stored point). */
const POINT_ID_NAMESPACE = '5b0c7a8e-3f4d-4c8e-9a61-2f1e6d9b7c40';
const UPSERT_BATCH = 256;
const KEYWORD_FIELDS = ['sourceId', 'documentId', 'scopes'] as const;

export interface QdrantVectorStoreOptions {
  url: string;
  apiKey?: string;
  /** Collection name prefix; the vector size is appended (default `agentcraft_chunks`). */
  collectionPrefix?: string;
  dimensions: number;
  /** Request timeout (ms), default 30 s. */
  timeoutMs?: number;
}

/** The payload stored beside each vector: the record without its vector, the chunk id as `chunkId`. */
type ChunkPayload = Omit<VectorRecord, 'vector' | 'id'> & { chunkId: string };

/** The deterministic point id of a tenant's chunk. */
export function pointIdOf(tenantId: string, chunkId: string): string {
  return uuidv5(`${tenantId}\u0000${chunkId}`, POINT_ID_NAMESPACE);
}

/** A Qdrant filter: the tenant always, each present any-of list as a `match.any`. */
export function qdrantFilter(filter: VectorFilter): Schemas['Filter'] {
  const must: Schemas['FieldCondition'][] = [{ key: 'tenantId', match: { value: filter.tenantId } }];
  if (filter.sourceIds !== undefined) must.push({ key: 'sourceId', match: { any: filter.sourceIds } });
  if (filter.documentIds !== undefined) must.push({ key: 'documentId', match: { any: filter.documentIds } });
  if (filter.scopes !== undefined) must.push({ key: 'scopes', match: { any: filter.scopes } });
  return { must };
}

function payloadOf(record: VectorRecord): ChunkPayload {
  const { vector: _vector, id, ...rest } = record;
  return { ...rest, chunkId: id, scopes: [...record.scopes] };
}

function hitOf(point: { score: number; payload?: Record<string, unknown> | null }): VectorHit {
  const payload = (point.payload ?? {}) as Partial<ChunkPayload>;
  return {
    record: {
      id: String(payload.chunkId),
      tenantId: String(payload.tenantId),
      sourceId: String(payload.sourceId),
      documentId: String(payload.documentId),
      scopes: Array.isArray(payload.scopes) ? payload.scopes.map(String) : [],
      ordinal: Number(payload.ordinal),
      title: String(payload.title),
      heading: payload.heading ?? null,
      url: payload.url ?? null,
      text: String(payload.text),
      updatedAt: String(payload.updatedAt),
    },
    score: point.score,
  };
}

/** The Qdrant adapter; the collection is created (if missing) and checked on first use. */
export class QdrantVectorStore implements VectorStore {
  readonly kind = 'qdrant';
  readonly dimensions: number;
  readonly collectionName: string;
  private readonly client: QdrantClient;
  private ready: Promise<void> | undefined;

  constructor(options: QdrantVectorStoreOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) throw new RangeError(`dimensions must be a positive integer, got ${options.dimensions}`);
    this.dimensions = options.dimensions;
    this.collectionName = `${options.collectionPrefix ?? 'agentcraft_chunks'}_${options.dimensions}d`;
    this.client = new QdrantClient({ url: options.url, apiKey: options.apiKey, timeout: options.timeoutMs ?? 30_000, checkCompatibility: false });
  }

  private async collection(): Promise<string> {
    this.ready ??= this.ensureCollection().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    return this.collectionName;
  }

  private async ensureCollection(): Promise<void> {
    const { exists } = await this.client.collectionExists(this.collectionName);
    if (!exists) {
      try {
        await this.client.createCollection(this.collectionName, { vectors: { size: this.dimensions, distance: 'Cosine' } });
      } catch (error) {
        // Another process may have created it in between; anything else is a real failure.
        if (!(await this.client.collectionExists(this.collectionName)).exists) throw error;
      }
    }
    const info = await this.client.getCollection(this.collectionName);
    const vectors = info.config.params.vectors as { size?: number; distance?: string } | undefined;
    if (vectors?.size !== this.dimensions || vectors.distance !== 'Cosine') {
      throw new Error(`Qdrant collection ${this.collectionName} is not a ${this.dimensions}-dimension cosine collection`);
    }
    // Creating an index that exists already is accepted, so this is safe on every start.
    const tenant = { type: 'keyword', is_tenant: true } as const;
    await this.client.createPayloadIndex(this.collectionName, { field_name: 'tenantId', field_schema: tenant, wait: true });
    for (const field of KEYWORD_FIELDS) await this.client.createPayloadIndex(this.collectionName, { field_name: field, field_schema: 'keyword', wait: true });
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    const unique = checkedRecords(this.kind, this.dimensions, records);
    if (unique.length === 0) return;
    const collection = await this.collection();
    for (let start = 0; start < unique.length; start += UPSERT_BATCH) {
      const points = unique.slice(start, start + UPSERT_BATCH).map((record) => ({ id: pointIdOf(record.tenantId, record.id), vector: record.vector, payload: payloadOf(record) }));
      await this.client.upsert(collection, { wait: true, points });
    }
  }

  async search(request: VectorSearchRequest): Promise<VectorHit[]> {
    checkSearch(this.kind, this.dimensions, request);
    if (request.limit === 0 || matchesNothing(request.filter)) return [];
    const collection = await this.collection();
    const result = await this.client.query(collection, {
      query: request.vector,
      filter: qdrantFilter(request.filter),
      limit: request.limit,
      with_payload: true,
      params: { exact: request.exact === true },
    });
    return result.points.map(hitOf);
  }

  async deleteDocuments(input: { tenantId: string; documentIds: string[] }): Promise<void> {
    checkTenant(input.tenantId);
    if (input.documentIds.length === 0) return;
    const collection = await this.collection();
    await this.client.delete(collection, { wait: true, filter: qdrantFilter({ tenantId: input.tenantId, documentIds: input.documentIds }) });
  }

  async deleteSource(input: { tenantId: string; sourceId: string }): Promise<void> {
    checkTenant(input.tenantId);
    const collection = await this.collection();
    await this.client.delete(collection, { wait: true, filter: qdrantFilter({ tenantId: input.tenantId, sourceIds: [input.sourceId] }) });
  }

  async count(filter: VectorFilter): Promise<number> {
    checkTenant(filter.tenantId);
    if (matchesNothing(filter)) return 0;
    const collection = await this.collection();
    const result = await this.client.count(collection, { filter: qdrantFilter(filter), exact: true });
    return result.count;
  }

  /** Qdrant indexes in the background (its optimizers); nothing to do. */
  async optimize(): Promise<void> {
    await this.collection();
  }

  /** The REST client holds no connection to close. */
  async close(): Promise<void> {
    await Promise.resolve();
  }
}
