/**
 * LanceDB-only behaviour beyond the conformance suite: the ANN index lifecycle, one table per vector size,
 * data surviving a reopen, and two stores of one process writing the same table at once.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lancedb from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LanceDbVectorStore } from './lancedb-vector-store.js';
import type { VectorRecord } from './vector-store.js';

const DIMENSIONS = 8;

function record(index: number, tenantId = 'tenant-a', dimensions = DIMENSIONS): VectorRecord {
  const vector = Array.from({ length: dimensions }, (_, position) => Math.sin(index * 7.1 + position * 1.3));
  return { id: `doc-${Math.floor(index / 10)}#${index % 10}`, vector, tenantId, sourceId: 'source-a', documentId: `doc-${Math.floor(index / 10)}`, scopes: ['knowledge:demo'], ordinal: index % 10, title: 'Title', heading: null, url: null, text: `chunk ${index}`, updatedAt: '2026-11-20T10:00:00.000Z' };
}

async function vectorIndexOf(directory: string, table: string) {
  const connection = await lancedb.connect(directory);
  const opened = await connection.openTable(table);
  const indices = await opened.listIndices();
  const vector = indices.find((index) => index.columns.includes('vector'));
  const stats = vector === undefined ? undefined : await opened.indexStats(vector.name);
  opened.close();
  connection.close();
  return { columns: indices.flatMap((index) => index.columns).sort(), vector, stats };
}

describe('LanceDbVectorStore', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-lancedb-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('builds scalar indexes always, the ANN index from minRows on, and indexes rows added later', async () => {
    const store = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS, index: { minRows: 300, rowsPerPartition: 100 } });
    await store.upsert(Array.from({ length: 200 }, (_, index) => record(index)));
    await store.optimize();
    expect(await vectorIndexOf(directory, store.tableName)).toMatchObject({ columns: ['document_id', 'scopes', 'source_id', 'tenant_id'], vector: undefined });
    await store.upsert(Array.from({ length: 200 }, (_, index) => record(200 + index)));
    await store.optimize();
    expect((await vectorIndexOf(directory, store.tableName)).stats).toMatchObject({ numIndexedRows: 400, numUnindexedRows: 0, distanceType: 'cosine' });
    await store.upsert(Array.from({ length: 100 }, (_, index) => record(400 + index)));
    await store.optimize();
    expect((await vectorIndexOf(directory, store.tableName)).stats).toMatchObject({ numIndexedRows: 500, numUnindexedRows: 0 });
    await store.close();
  });

  it('keeps vectors of each size in their own table and finds the data again after a reopen', async () => {
    const small = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS });
    const large = new LanceDbVectorStore({ directory, dimensions: 32 });
    await small.upsert([record(1)]);
    await large.upsert([record(1, 'tenant-a', 32), record(2, 'tenant-a', 32)]);
    expect((await readdir(directory)).sort()).toEqual(['chunks_32d.lance', 'chunks_8d.lance']);
    await small.close();
    await large.close();
    const reopened = new LanceDbVectorStore({ directory, dimensions: 32 });
    expect(await reopened.count({ tenantId: 'tenant-a' })).toBe(2);
    await reopened.close();
  });

  it('lets two stores of one process create and write the same table concurrently without duplicates', async () => {
    const first = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS });
    const second = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS });
    const batch = (offset: number) => Array.from({ length: 30 }, (_, index) => record(offset + index));
    await Promise.all([first.upsert(batch(0)), second.upsert(batch(0)), first.upsert(batch(15)), second.upsert(batch(30))]);
    expect(await first.count({ tenantId: 'tenant-a' })).toBe(60);
    expect(await second.count({ tenantId: 'tenant-a' })).toBe(60);
    await Promise.all([first.close(), second.close()]);
  });
});
