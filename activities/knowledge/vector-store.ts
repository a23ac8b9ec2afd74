/**
 * The `VectorStore` port: chunk vectors with their provenance payload, searched by similarity under payload
 * filters. Adapters: LanceDB (embedded default, on disk) and Qdrant (`QDRANT_URL`). Every adapter passes the
 * conformance suite in `vector-store.conformance.test.ts`. Requests and results are plain JSON.
 */

/** One indexed chunk: its vector and everything a citation needs (provenance). */
export interface VectorRecord {
  /** Chunk id, stable across re-syncs of an unchanged document (`<documentId>#<ordinal>`). */
  id: string;
  vector: number[];
  tenantId: string;
  sourceId: string;
  documentId: string;
  /** Agent knowledge scopes this chunk belongs to (`knowledge:<topic>`, `web:<host>`). */
  scopes: string[];
  ordinal: number;
  title: string;
  heading: string | null;
  url: string | null;
  text: string;
  /** When the document last changed (ISO 8601). */
  updatedAt: string;
}

/** Payload filter; `tenantId` is mandatory so no query can ever cross tenants. */
export interface VectorFilter {
  tenantId: string;
  /** Only these sources (any of). */
  sourceIds?: string[];
  /** Only these documents (any of). */
  documentIds?: string[];
  /** Only chunks carrying at least one of these scopes. */
  scopes?: string[];
}

export interface VectorSearchRequest {
  vector: number[];
  filter: VectorFilter;
  limit: number;
  /** Exhaustive (flat) search instead of the approximate index: the ground truth for recall measurements. */
  exact?: boolean;
}

/** A hit: the record without its vector, and cosine similarity in [-1, 1] (higher is closer). */
export interface VectorHit {
  record: Omit<VectorRecord, 'vector'>;
  score: number;
}

export interface VectorStore {
  /** `lancedb` or `qdrant`. */
  readonly kind: string;
  readonly dimensions: number;
  /** Inserts or replaces records by id (idempotent: upserting the same records twice leaves one copy). */
  upsert(records: VectorRecord[]): Promise<void>;
  search(request: VectorSearchRequest): Promise<VectorHit[]>;
  /** Removes every chunk of these documents of the tenant. */
  deleteDocuments(input: { tenantId: string; documentIds: string[] }): Promise<void>;
  /** Removes every chunk of one source of the tenant. */
  deleteSource(input: { tenantId: string; sourceId: string }): Promise<void>;
  count(filter: VectorFilter): Promise<number>;
  /** Builds or refreshes the approximate index when the adapter has one (no-op otherwise). */
  optimize(): Promise<void>;
  close(): Promise<void>;
}
