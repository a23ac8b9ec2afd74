/**
 * `VectorStore` on LanceDB, embedded and on disk (the default). One table per vector size
 * (`chunks_<dimensions>d`), cosine distance, upserts merged on (tenant, id). Writes from one process are
 * serialised per table (LanceDB commits are optimistic; a merge racing another merge could insert twice), and
 * reads check for other processes' commits (`readConsistencyInterval`, default 0 s = every read).
 * `optimize()` compacts, builds the scalar indexes and, from `index.minRows` rows on, the ANN index.
 */
import path from 'node:path';
import lancedb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import { RESULT_COLUMNS, chunkSchema, hitOf, rowOf, wherePredicate } from './lancedb-rows.js';
import { checkSearch, checkTenant, checkedRecords, matchesNothing } from './vector-store-checks.js';
import type { VectorFilter, VectorHit, VectorRecord, VectorSearchRequest, VectorStore } from './vector-store.js';

/** The approximate index `optimize()` builds. Defaults were chosen with `npm run bench:retrieval`. */
export interface LanceDbIndexSettings {
  /** `ivf_hnsw_sq`: HNSW graphs over 8-bit scalar-quantised vectors per IVF partition; `ivf_pq`: product quantisation. */
  type: 'ivf_hnsw_sq' | 'ivf_pq';
  /** Below this many rows no ANN index is built: flat search is fast enough and training needs data. */
  minRows: number;
  /** IVF partitions; default: one per ~`rowsPerPartition` rows. */
  numPartitions?: number;
  rowsPerPartition: number;
  /** PQ sub-vectors (`ivf_pq` only); default dimensions / 8. */
  numSubVectors?: number;
}

/** Query-time knobs of the ANN index (ignored by exact search). */
export interface LanceDbSearchSettings {
  /** IVF partitions probed per query. */
  nprobes: number;
  /** HNSW candidate list size (`ivf_hnsw_sq`); default: LanceDB's (1.5 × limit). */
  ef?: number;
  /** Re-rank `limit × refineFactor` candidates on the full vectors: recall past the quantisation error, exact scores (0: off). */
  refineFactor?: number;
}

export interface LanceDbVectorStoreOptions {
  /** Database directory (created if missing). */
  directory: string;
  dimensions: number;
  /** Seconds between checks for other processes' commits; 0 (default): before every read; null: never (single process). */
  readConsistencyInterval?: number | null;
  index?: Partial<LanceDbIndexSettings>;
  search?: Partial<LanceDbSearchSettings>;
}

/**
 * Defaults measured by `npm run bench:retrieval` (100k chunks, 512-dim local embeddings, 2 shared cores): the
 * hashed embeddings cluster poorly, so recall needs most partitions probed; fewer, larger partitions made the
 * HNSW build much slower (3 partitions: 479 s, 8: 254 s, 12: 152 s). Without `refineFactor` the 8-bit SQ
 * distances cap recall@10 near 0.94; re-ranking 2 × limit candidates on the full vectors lifts it to ~0.98 and
 * makes the returned scores exact cosine similarities. See `bench/results/retrieval-bench.json`.
 */
export const DEFAULT_LANCEDB_INDEX: LanceDbIndexSettings = { type: 'ivf_hnsw_sq', minRows: 10_000, rowsPerPartition: 12_500 };
export const DEFAULT_LANCEDB_SEARCH: LanceDbSearchSettings = { nprobes: 8, ef: 64, refineFactor: 2 };

// `indexStats` would otherwise warn that its statistics include the IVF centroids (we read only the row counts).
process.env.LANCE_INCLUDE_VECTOR_CENTROIDS ??= 'false';

/** Per table path: the tail of its write queue (shared by every store of this process). */
const writeQueues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier write to the same table of this process has settled. */
function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const result = (writeQueues.get(key) ?? Promise.resolve()).then(work);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  writeQueues.set(key, tail);
  void tail.then(() => {
    if (writeQueues.get(key) === tail) writeQueues.delete(key);
  });
  return result;
}

/** The LanceDB adapter; the table is opened (created if missing) on first use. */
export class LanceDbVectorStore implements VectorStore {
  readonly kind = 'lancedb';
  readonly dimensions: number;
  readonly tableName: string;
  private readonly directory: string;
  private readonly indexSettings: LanceDbIndexSettings;
  private readonly searchSettings: LanceDbSearchSettings;
  private opened: Promise<{ connection: Connection; table: Table }> | undefined;

  constructor(private readonly options: LanceDbVectorStoreOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) throw new RangeError(`dimensions must be a positive integer, got ${options.dimensions}`);
    this.dimensions = options.dimensions;
    this.directory = path.resolve(options.directory);
    this.tableName = `chunks_${options.dimensions}d`;
    this.indexSettings = { ...DEFAULT_LANCEDB_INDEX, ...options.index };
    this.searchSettings = { ...DEFAULT_LANCEDB_SEARCH, ...options.search };
  }

  private get queueKey(): string {
    return path.join(this.directory, this.tableName);
  }

  private async table(): Promise<Table> {
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return (await this.opened).table;
  }

  private async open(): Promise<{ connection: Connection; table: Table }> {
    const interval = this.options.readConsistencyInterval === undefined ? 0 : this.options.readConsistencyInterval;
    const connection = await lancedb.connect(this.directory, interval === null ? {} : { readConsistencyInterval: interval });
    // `existOk` opens the table when another store or process created it first.
    const table = await serialised(this.queueKey, () => connection.createEmptyTable(this.tableName, chunkSchema(this.dimensions), { mode: 'create', existOk: true }));
    return { connection, table };
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    const unique = checkedRecords(this.kind, this.dimensions, records);
    if (unique.length === 0) return;
    const table = await this.table();
    const data = lancedb.makeArrowTable(unique.map(rowOf), { schema: chunkSchema(this.dimensions) });
    await serialised(this.queueKey, () => table.mergeInsert(['tenant_id', 'id']).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data));
  }

  async search(request: VectorSearchRequest): Promise<VectorHit[]> {
    checkSearch(this.kind, this.dimensions, request);
    if (request.limit === 0 || matchesNothing(request.filter)) return [];
    const table = await this.table();
    let query = table
      .vectorSearch(Float32Array.from(request.vector))
      .distanceType('cosine')
      .where(wherePredicate(request.filter))
      .select([...RESULT_COLUMNS, '_distance'])
      .limit(request.limit);
    if (request.exact === true) query = query.bypassVectorIndex();
    else {
      query = query.nprobes(this.searchSettings.nprobes);
      if (this.searchSettings.ef !== undefined) query = query.ef(Math.max(this.searchSettings.ef, request.limit));
      const refineFactor = this.searchSettings.refineFactor ?? 0;
      if (refineFactor > 0) query = query.refineFactor(refineFactor);
    }
    const rows = (await query.toArray()) as Record<string, unknown>[];
    return rows.map(hitOf);
  }

  async deleteDocuments(input: { tenantId: string; documentIds: string[] }): Promise<void> {
    checkTenant(input.tenantId);
    if (input.documentIds.length === 0) return;
    await this.delete({ tenantId: input.tenantId, documentIds: input.documentIds });
  }

  async deleteSource(input: { tenantId: string; sourceId: string }): Promise<void> {
    checkTenant(input.tenantId);
    await this.delete({ tenantId: input.tenantId, sourceIds: [input.sourceId] });
  }

  private async delete(filter: VectorFilter): Promise<void> {
    const table = await this.table();
    await serialised(this.queueKey, () => table.delete(wherePredicate(filter)));
  }

  async count(filter: VectorFilter): Promise<number> {
    checkTenant(filter.tenantId);
    if (matchesNothing(filter)) return 0;
    const table = await this.table();
    return table.countRows(wherePredicate(filter));
  }

  async optimize(): Promise<void> {
    const table = await this.table();
    await serialised(this.queueKey, () => this.optimizeTable(table));
  }

  /** Scalar indexes for the filter columns, the ANN index from `minRows` on, then compaction. */
  private async optimizeTable(table: Table): Promise<void> {
    const rows = await table.countRows();
    if (rows === 0) return;
    const indices = await table.listIndices();
    const indexed = new Set(indices.flatMap((index) => index.columns));
    const scalar: [string, ReturnType<typeof lancedb.Index.btree>][] = [
      ['tenant_id', lancedb.Index.bitmap()],
      ['source_id', lancedb.Index.btree()],
      ['document_id', lancedb.Index.btree()],
      ['scopes', lancedb.Index.labelList()],
    ];
    for (const [column, config] of scalar) if (!indexed.has(column)) await table.createIndex(column, { config });
    const vectorIndex = indices.find((index) => index.columns.includes('vector'));
    const stats = vectorIndex === undefined ? undefined : await table.indexStats(vectorIndex.name);
    // Rebuild (retrain partitions) when the table more than doubled since the index last covered it.
    const stale = stats !== undefined && stats.numUnindexedRows > stats.numIndexedRows;
    if ((vectorIndex === undefined && rows >= this.indexSettings.minRows) || stale) {
      await table.createIndex('vector', { config: this.vectorIndexConfig(rows), replace: true });
    }
    await table.optimize();
  }

  private vectorIndexConfig(rows: number): ReturnType<typeof lancedb.Index.ivfPq> {
    const settings = this.indexSettings;
    const numPartitions = settings.numPartitions ?? Math.max(1, Math.round(rows / settings.rowsPerPartition));
    if (settings.type === 'ivf_pq') {
      const numSubVectors = settings.numSubVectors ?? Math.max(1, Math.floor(this.dimensions / 8));
      return lancedb.Index.ivfPq({ distanceType: 'cosine', numPartitions, numSubVectors });
    }
    return lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions });
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened === undefined) return;
    const { connection, table } = await opened;
    // Let this process's pending writes to the table finish first.
    await serialised(this.queueKey, () => Promise.resolve());
    table.close();
    connection.close();
  }
}
