/**
 * LanceDB-only behaviour beyond the conformance suite: the ANN index lifecycle, one table per tenant and vector
 * size (injective names, a legacy single table ignored), data surviving a reopen, and two stores of one process
 * writing the same table at once.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import lancedb from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantTableName } from './lancedb-rows.js';
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
    const table = store.tableName('tenant-a');
    expect(await vectorIndexOf(directory, table)).toMatchObject({ columns: ['document_id', 'scopes', 'source_id'], vector: undefined });
    await store.upsert(Array.from({ length: 200 }, (_, index) => record(200 + index)));
    await store.optimize();
    expect((await vectorIndexOf(directory, table)).stats).toMatchObject({ numIndexedRows: 400, numUnindexedRows: 0, distanceType: 'cosine' });
    await store.upsert(Array.from({ length: 100 }, (_, index) => record(400 + index)));
    await store.optimize();
    expect((await vectorIndexOf(directory, table)).stats).toMatchObject({ numIndexedRows: 500, numUnindexedRows: 0 });
    await store.close();
  });

  it('keeps each tenant and vector size in its own table and finds the data again after a reopen', async () => {
    const small = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS });
    const large = new LanceDbVectorStore({ directory, dimensions: 32 });
    await small.upsert([record(1), record(2, 'Tenant B')]);
    await large.upsert([record(1, 'tenant-a', 32), record(2, 'tenant-a', 32)]);
    const tables = async () => (await readdir(directory)).filter((entry) => entry.endsWith('.lance')).sort();
    expect(await tables()).toEqual(['chunks_32d_ttenant_2da.lance', 'chunks_8d_t_54enant_20_42.lance', 'chunks_8d_ttenant_2da.lance']);
    await small.close();
    await large.close();
    const reopened = new LanceDbVectorStore({ directory, dimensions: 32 });
    expect(await reopened.count({ tenantId: 'tenant-a' })).toBe(2);
    expect(await reopened.count({ tenantId: 'Tenant B' })).toBe(0);
    expect(await reopened.search({ vector: record(0, 'x', 32).vector, filter: { tenantId: 'nobody' }, limit: 5 })).toEqual([]);
    await reopened.close();
    // Reads of an unknown tenant create nothing.
    expect(await tables()).toHaveLength(3);
  });

  it('names tenant tables injectively, safe as file names, hashing only very long tenant ids', () => {
    const tenants = ['a', 'A', 'a-b', 'a_b', 'a_2db', "o'brien\\' OR 1=1 --", '../../etc', 'ü', 'x'.repeat(60), 'x'.repeat(200), 'x'.repeat(201)];
    const names = tenants.map((tenant) => tenantTableName(16, tenant));
    expect(new Set(names).size).toBe(tenants.length);
    for (const name of names) expect(name).toMatch(/^chunks_16d_[th][a-z0-9_]{1,120}$/);
    expect(tenantTableName(16, 'a-b')).toBe('chunks_16d_ta_2db');
    expect(tenantTableName(16, 'x'.repeat(200))).toMatch(/^chunks_16d_h[0-9a-f]{64}$/);
    // A readable name can never equal a hashed one: they differ in their first character.
    expect(tenantTableName(16, `h${'0'.repeat(64)}`)).toMatch(/^chunks_16d_th0{64}$/);
  });

  it('ignores the single table of earlier versions (its documents are re-embedded on their next sync)', async () => {
    const legacy = await lancedb.connect(directory);
    await legacy.createTable('chunks_8d', [{ id: 'old#0', tenant_id: 'tenant-a', text: 'old', vector: record(0).vector }]);
    legacy.close();
    const store = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS });
    expect(await store.count({ tenantId: 'tenant-a' })).toBe(0);
    await store.upsert([record(1)]);
    await store.optimize();
    expect(await store.search({ vector: record(0).vector, filter: { tenantId: 'tenant-a' }, limit: 5 })).toMatchObject([{ record: { id: 'doc-0#1' } }]);
    await store.close();
    const reopened = await lancedb.connect(directory);
    const old = await reopened.openTable('chunks_8d');
    expect(await old.countRows()).toBe(1);
    old.close();
    reopened.close();
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
