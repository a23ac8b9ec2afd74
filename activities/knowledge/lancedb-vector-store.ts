/**
 * `VectorStore` on LanceDB, embedded and on disk (the default). One table per tenant and vector size
 * (`chunks_<dimensions>d_t<encoded tenant id>`, see `tenantTableName`): tenant isolation is structural, and a
 * search needs no tenant filter (that filter cost ~2 ms of CPU per query at 100k chunks). Cosine distance,
 * upserts merged on id. Writes from one process are serialised per table (LanceDB commits are optimistic; a merge
 * racing another merge could insert twice), and reads check for other processes' commits
 * (`readConsistencyInterval`, default 0 s = every read). `optimize()` compacts every tenant table, builds its
 * scalar indexes and, from `index.minRows` rows on, its ANN index.
 *
 * Earlier versions kept every tenant in one table, `chunks_<dimensions>d`: it is ignored (not read, not
 * deleted). Documents indexed there are re-embedded on their source's next sync, because `indexDocument` finds
 * their vectors missing from the tenant table.
 */
import path from 'node:path';
import lancedb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import { RESULT_COLUMNS, chunkSchema, hitsOf, rowOf, tablePrefix, tenantTableName, wherePredicate } from './lancedb-rows.js';
import { serialised } from './lancedb-write-queue.js';
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
 * Defaults measured by `npm run bench:retrieval` (100k chunks, 90k in the queried tenant's table, 512-dim local
 * embeddings, 2 shared cores). The hashed embeddings cluster poorly, so every partition is probed (`nprobes` 8 ≥
 * the partitions of a tenant up to ~240k chunks). Fewer, larger partitions mean fewer HNSW graphs searched per
 * query: 3 partitions of 30k rows cost ~3.5 ms of CPU per query against ~4.1 ms for 7 of 12.5k, at the same
 * recall once `ef` is raised from 64; 2 partitions saved nothing more and took 134 s to build instead of 84 s.
 * `ef` 128 rather than 96: recall@10 0.973 against 0.962 for ~0.3 ms (index training is random: ±0.01 between
 * builds). Without `refineFactor` the 8-bit SQ distances cap recall@10 near 0.93; re-ranking 2 × limit
 * candidates on the full vectors lifts it past 0.95 and makes the returned scores exact cosine similarities.
 * See `bench/results/retrieval-bench.json`.
 */
export const DEFAULT_LANCEDB_INDEX: LanceDbIndexSettings = { type: 'ivf_hnsw_sq', minRows: 10_000, rowsPerPartition: 30_000 };
export const DEFAULT_LANCEDB_SEARCH: LanceDbSearchSettings = { nprobes: 8, ef: 128, refineFactor: 2 };

// `indexStats` would otherwise warn that its statistics include the IVF centroids (we read only the row counts).
process.env.LANCE_INCLUDE_VECTOR_CENTROIDS ??= 'false';

/** The LanceDB adapter; a tenant's table is created on its first upsert and opened on first use. */
export class LanceDbVectorStore implements VectorStore {
  readonly kind = 'lancedb';
  readonly dimensions: number;
  private readonly directory: string;
  private readonly indexSettings: LanceDbIndexSettings;
  private readonly searchSettings: LanceDbSearchSettings;
  private connected: Promise<Connection> | undefined;
  /** Open tables by name (only tables that exist: a missing tenant table is looked for again next time). */
  private readonly tables = new Map<string, Promise<Table>>();

  constructor(private readonly options: LanceDbVectorStoreOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) throw new RangeError(`dimensions must be a positive integer, got ${options.dimensions}`);
    this.dimensions = options.dimensions;
    this.directory = path.resolve(options.directory);
    this.indexSettings = { ...DEFAULT_LANCEDB_INDEX, ...options.index };
    this.searchSettings = { ...DEFAULT_LANCEDB_SEARCH, ...options.search };
  }

  /** The table holding one tenant's chunks (`chunks_<dimensions>d_t<encoded tenant id>`). */
  tableName(tenantId: string): string {
    return tenantTableName(this.dimensions, tenantId);
  }

  private queueKey(name: string): string {
    return path.join(this.directory, name);
  }

  private connection(): Promise<Connection> {
    const interval = this.options.readConsistencyInterval === undefined ? 0 : this.options.readConsistencyInterval;
    this.connected ??= lancedb.connect(this.directory, interval === null ? {} : { readConsistencyInterval: interval }).catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  /** The open table `name`; created if missing when `create`, else `undefined` while it does not exist. */
  private async table(name: string, create: boolean): Promise<Table | undefined> {
    const cached = this.tables.get(name);
    if (cached !== undefined) return cached;
    const connection = await this.connection();
    if (!create) {
      // Reads never create a table: a tenant without one has no chunks (yet).
      const table = await connection.openTable(name).catch((error: unknown) => {
        if (error instanceof Error && / was not found/.test(error.message)) return undefined;
        throw error;
      });
      if (table === undefined) return undefined;
      const existing = this.tables.get(name);
      if (existing !== undefined) {
        table.close();
        return existing;
      }
      this.tables.set(name, Promise.resolve(table));
      return table;
    }
    // `existOk` opens the table when another store or process created it first.
    const opening = serialised(this.queueKey(name), () => connection.createEmptyTable(name, chunkSchema(this.dimensions), { mode: 'create', existOk: true }));
    this.tables.set(name, opening);
    opening.catch(() => this.tables.delete(name));
    return opening;
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    const byTenant = new Map<string, VectorRecord[]>();
    for (const record of checkedRecords(this.kind, this.dimensions, records)) {
      const group = byTenant.get(record.tenantId);
      if (group === undefined) byTenant.set(record.tenantId, [record]);
      else group.push(record);
    }
    for (const [tenantId, unique] of byTenant) {
      const name = this.tableName(tenantId);
      const table = (await this.table(name, true)) as Table;
      const data = lancedb.makeArrowTable(unique.map(rowOf), { schema: chunkSchema(this.dimensions) });
      await serialised(this.queueKey(name), () => table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data));
    }
  }

  async search(request: VectorSearchRequest): Promise<VectorHit[]> {
    checkSearch(this.kind, this.dimensions, request);
    if (request.limit === 0 || matchesNothing(request.filter)) return [];
    const table = await this.table(this.tableName(request.filter.tenantId), false);
    if (table === undefined) return [];
    let query = table.vectorSearch(Float32Array.from(request.vector)).distanceType('cosine').select([...RESULT_COLUMNS, '_distance']).limit(request.limit);
    const predicate = wherePredicate(request.filter);
    if (predicate !== undefined) query = query.where(predicate);
    if (request.exact === true) query = query.bypassVectorIndex();
    else {
      query = query.nprobes(this.searchSettings.nprobes);
      if (this.searchSettings.ef !== undefined) query = query.ef(Math.max(this.searchSettings.ef, request.limit));
      const refineFactor = this.searchSettings.refineFactor ?? 0;
      if (refineFactor > 0) query = query.refineFactor(refineFactor);
    }
    return hitsOf(await query.toArrow(), request.filter.tenantId);
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
    const name = this.tableName(filter.tenantId);
    const table = await this.table(name, false);
    const predicate = wherePredicate(filter);
    if (table === undefined || predicate === undefined) return;
    await serialised(this.queueKey(name), () => table.delete(predicate));
  }

  async count(filter: VectorFilter): Promise<number> {
    checkTenant(filter.tenantId);
    if (matchesNothing(filter)) return 0;
    const table = await this.table(this.tableName(filter.tenantId), false);
    return table === undefined ? 0 : table.countRows(wherePredicate(filter));
  }

  /** Optimises every tenant table of this vector size, one after another. */
  async optimize(): Promise<void> {
    const connection = await this.connection();
    const prefix = tablePrefix(this.dimensions);
    const names = (await connection.tableNames()).filter((name) => name.startsWith(prefix));
    for (const name of names) {
      const table = (await this.table(name, true)) as Table;
      await serialised(this.queueKey(name), () => this.optimizeTable(table));
    }
  }

  /** Scalar indexes for the filter columns, the ANN index from `minRows` on, then compaction. */
  private async optimizeTable(table: Table): Promise<void> {
    const rows = await table.countRows();
    if (rows === 0) return;
    const indices = await table.listIndices();
    const indexed = new Set(indices.flatMap((index) => index.columns));
    const scalar: [string, ReturnType<typeof lancedb.Index.btree>][] = [
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
    const connected = this.connected;
    const tables = [...this.tables.entries()];
    this.connected = undefined;
    this.tables.clear();
    for (const [name, opening] of tables) {
      const table = await opening.catch(() => undefined);
      // Let this process's pending writes to the table finish first.
      await serialised(this.queueKey(name), () => Promise.resolve());
      table?.close();
    }
    if (connected !== undefined) (await connected).close();
  }
}
