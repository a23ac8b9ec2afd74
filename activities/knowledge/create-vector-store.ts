/**
 * Picks the `VectorStore` adapter from configuration: Qdrant when `QDRANT_URL` is set (optional
 * `QDRANT_API_KEY`, collection prefix `QDRANT_COLLECTION`), otherwise embedded LanceDB on disk under
 * `LANCEDB_PATH` (default `<AGENTCRAFT_DATA_DIR>/lancedb`). The vector size is the embedding model's.
 */
import type { Configuration } from '../../domain/config.js';
import { LanceDbVectorStore } from './lancedb-vector-store.js';
import { QdrantVectorStore } from './qdrant-vector-store.js';
import type { VectorStore } from './vector-store.js';

/** The vector store settings of the process configuration (`loadConfiguration().vectorStore`). */
export type VectorStoreSettings = Configuration['vectorStore'];

/** A vector store for vectors of `dimensions` entries (the embedding model's `dimensions`). */
export function createVectorStore(settings: VectorStoreSettings, options: { dimensions: number }): VectorStore {
  if (settings.qdrant !== undefined) {
    return new QdrantVectorStore({
      url: settings.qdrant.url,
      collectionPrefix: settings.qdrant.collectionPrefix,
      dimensions: options.dimensions,
      ...(settings.qdrant.apiKey === undefined ? {} : { apiKey: settings.qdrant.apiKey }),
    });
  }
  return new LanceDbVectorStore({ directory: settings.lancedbPath, dimensions: options.dimensions });
}
