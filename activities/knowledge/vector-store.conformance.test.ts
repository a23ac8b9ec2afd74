/**
 * The `VectorStore` conformance suite: one describe, run against LanceDB always (on disk in a temp directory)
 * and against Qdrant whenever `QDRANT_URL` is set (a throwaway collection, deleted afterwards).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanceDbVectorStore } from './lancedb-vector-store.js';
import { QdrantVectorStore } from './qdrant-vector-store.js';
import type { VectorRecord, VectorStore } from './vector-store.js';

const DIMENSIONS = 16;

interface Implementation {
  name: string;
  skipReason?: string;
  open(): Promise<{ store: VectorStore; cleanup(): Promise<void> }>;
}

const qdrantUrl = process.env.QDRANT_URL?.trim();
const implementations: Implementation[] = [
  {
    name: 'lancedb',
    async open() {
      const directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-lancedb-'));
      // A low threshold so `optimize()` really trains an ANN index over the suite's few hundred vectors.
      const store = new LanceDbVectorStore({ directory, dimensions: DIMENSIONS, index: { minRows: 256, rowsPerPartition: 128 } });
      return { store, cleanup: () => rm(directory, { recursive: true, force: true }) };
    },
  },
  {
    name: 'qdrant',
    ...(qdrantUrl ? {} : { skipReason: 'QDRANT_URL is not set (no Qdrant server to test against)' }),
    // eslint-disable-next-line @typescript-eslint/require-await -- same shape as the LanceDB opener
    async open() {
      const url = qdrantUrl ?? '';
      const apiKey = process.env.QDRANT_API_KEY?.trim() || undefined;
      const collectionPrefix = `agentcraft_test_${randomUUID().slice(0, 8)}`;
      const store = new QdrantVectorStore({ url, collectionPrefix, dimensions: DIMENSIONS, ...(apiKey ? { apiKey } : {}) });
      const cleanup = async () => {
        await new QdrantClient({ url, apiKey, checkCompatibility: false }).deleteCollection(store.collectionName);
      };
      return { store, cleanup };
    },
  },
];

/** A deterministic unit vector (mulberry32 seeded by `seed`). */
function vectorOf(seed: number): number[] {
  let state = seed >>> 0;
  const values = Array.from({ length: DIMENSIONS }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296 - 0.5;
  });
  const length = Math.hypot(...values);
  return values.map((value) => value / length);
}

/** The unit vector along axis `index`. */
const axis = (index: number): number[] => Array.from({ length: DIMENSIONS }, (_, position) => (position === index ? 1 : 0));

function record(tenantId: string, documentId: string, ordinal: number, vector: number[], extra: Partial<VectorRecord> = {}): VectorRecord {
  return {
    id: `${documentId}#${ordinal}`,
    vector,
    tenantId,
    sourceId: 'source-a',
    documentId,
    scopes: ['knowledge:billing'],
    ordinal,
    title: `Title of ${documentId}`,
    heading: ordinal === 0 ? null : `Heading ${ordinal}`,
    url: ordinal === 0 ? null : `https://docs.example.com/${documentId}#${ordinal}`,
    text: `Chunk ${ordinal} of ${documentId}`,
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...extra,
  };
}

const ids = (hits: { record: { id: string } }[]): string[] => hits.map((hit) => hit.record.id);

for (const implementation of implementations) {
  // A skipped implementation must say why, in the output and in the suite's title.
  // eslint-disable-next-line no-console -- the skip reason is for whoever runs the tests
  if (implementation.skipReason !== undefined) console.warn(`VectorStore conformance for ${implementation.name} skipped: ${implementation.skipReason}`);
  const title = `VectorStore conformance: ${implementation.name}${implementation.skipReason === undefined ? '' : ` (skipped: ${implementation.skipReason})`}`;

  describe.skipIf(implementation.skipReason !== undefined)(title, () => {
    let store: VectorStore;
    let opened: { cleanup(): Promise<void> } | undefined;
    const tenant = (): string => `tenant-${randomUUID()}`;

    beforeAll(async () => {
      const result = await implementation.open();
      store = result.store;
      opened = result;
    });
    afterAll(async () => {
      await store.close();
      await opened?.cleanup();
    });

    it('returns the nearest chunks first, with cosine scores and every provenance field intact', async () => {
      const tenantId = tenant();
      const near = [0.9, 0.1, ...Array<number>(DIMENSIONS - 2).fill(0)];
      const records = [record(tenantId, 'doc-1', 0, axis(0)), record(tenantId, 'doc-1', 1, near, { scopes: ['knowledge:billing', 'web:docs.example.com'] }), record(tenantId, 'doc-2', 0, axis(1)), record(tenantId, 'doc-3', 0, axis(0).map((value) => -value))];
      await store.upsert(records);
      const hits = await store.search({ vector: axis(0), filter: { tenantId }, limit: 10 });
      expect(ids(hits)).toEqual(['doc-1#0', 'doc-1#1', 'doc-2#0', 'doc-3#0']);
      const expectedScores = [1, 0.9 / Math.hypot(0.9, 0.1), 0, -1];
      hits.forEach((hit, index) => expect(hit.score).toBeCloseTo(expectedScores[index] ?? Number.NaN, 4));
      const { vector: _vector, ...provenance } = records[1] as VectorRecord;
      expect(hits[1]?.record).toEqual(provenance);
      const { vector: _first, ...nullable } = records[0] as VectorRecord;
      expect(hits[0]?.record).toEqual(nullable);
      expect(await store.search({ vector: axis(0), filter: { tenantId }, limit: 2 })).toHaveLength(2);
    });

    it('upserts idempotently by id: the same records twice leave one copy, a changed record replaces the old one', async () => {
      const tenantId = tenant();
      const records = Array.from({ length: 5 }, (_, ordinal) => record(tenantId, 'doc-1', ordinal, vectorOf(ordinal + 1)));
      await store.upsert(records);
      await store.upsert(records);
      await store.upsert([{ ...(records[2] as VectorRecord), text: 'rewritten', vector: axis(3) }, { ...(records[2] as VectorRecord), text: 'rewritten twice in one batch', vector: axis(3) }]);
      expect(await store.count({ tenantId })).toBe(5);
      const hits = await store.search({ vector: axis(3), filter: { tenantId }, limit: 10 });
      expect(hits).toHaveLength(5);
      expect(hits[0]?.record).toMatchObject({ id: 'doc-1#2', text: 'rewritten twice in one batch' });
    });

    it('keeps concurrent upserts of overlapping batches free of duplicates', async () => {
      const tenantId = tenant();
      const batch = (offset: number) => Array.from({ length: 20 }, (_, index) => record(tenantId, 'doc-1', offset + index, vectorOf(offset + index + 100)));
      await Promise.all([0, 10, 20, 0, 10].map((offset) => store.upsert(batch(offset))));
      expect(await store.count({ tenantId })).toBe(40);
    });

    it('never returns, counts or deletes another tenant’s chunks, even with the same chunk ids', async () => {
      const [alice, bob] = [tenant(), tenant()];
      await store.upsert([record(alice, 'doc-1', 0, axis(0), { text: 'alice' }), record(bob, 'doc-1', 0, axis(0), { text: 'bob' }), record(bob, 'doc-2', 0, axis(1))]);
      const hits = await store.search({ vector: axis(0), filter: { tenantId: alice }, limit: 10, exact: true });
      expect(hits.map((hit) => [hit.record.tenantId, hit.record.text])).toEqual([[alice, 'alice']]);
      expect(await store.count({ tenantId: alice })).toBe(1);
      expect(await store.count({ tenantId: bob })).toBe(2);
      await store.deleteDocuments({ tenantId: alice, documentIds: ['doc-1', 'doc-2'] });
      await store.deleteSource({ tenantId: alice, sourceId: 'source-a' });
      expect(await store.count({ tenantId: alice })).toBe(0);
      expect(await store.count({ tenantId: bob })).toBe(2);
    });

    it('filters by sources, documents and scopes (any of each, all of them together)', async () => {
      const tenantId = tenant();
      await store.upsert([
        record(tenantId, 'doc-1', 0, vectorOf(11), { sourceId: 'source-a', scopes: ['knowledge:billing'] }),
        record(tenantId, 'doc-2', 0, vectorOf(12), { sourceId: 'source-a', scopes: ['knowledge:security', 'web:docs.example.com'] }),
        record(tenantId, 'doc-3', 0, vectorOf(13), { sourceId: 'source-b', scopes: ['knowledge:billing', 'knowledge:security'] }),
        record(tenantId, 'doc-4', 0, vectorOf(14), { sourceId: 'source-c', scopes: [] }),
      ]);
      const found = async (filter: Omit<Parameters<VectorStore['count']>[0], 'tenantId'>) => {
        const hits = await store.search({ vector: vectorOf(1), filter: { tenantId, ...filter }, limit: 10 });
        expect(await store.count({ tenantId, ...filter })).toBe(hits.length);
        return ids(hits).sort();
      };
      expect(await found({})).toEqual(['doc-1#0', 'doc-2#0', 'doc-3#0', 'doc-4#0']);
      expect(await found({ sourceIds: ['source-b', 'source-c'] })).toEqual(['doc-3#0', 'doc-4#0']);
      expect(await found({ documentIds: ['doc-1', 'doc-4', 'doc-missing'] })).toEqual(['doc-1#0', 'doc-4#0']);
      expect(await found({ scopes: ['knowledge:security'] })).toEqual(['doc-2#0', 'doc-3#0']);
      expect(await found({ scopes: ['web:docs.example.com', 'knowledge:billing'] })).toEqual(['doc-1#0', 'doc-2#0', 'doc-3#0']);
      expect(await found({ sourceIds: ['source-a'], scopes: ['knowledge:security'] })).toEqual(['doc-2#0']);
      expect(await found({ sourceIds: [] })).toEqual([]);
      expect(await found({ scopes: [] })).toEqual([]);
    });

    it('deletes the chunks of documents and of a whole source, and counts what is left', async () => {
      const tenantId = tenant();
      const chunks = (documentId: string, sourceId: string, seed: number) => Array.from({ length: 3 }, (_, ordinal) => record(tenantId, documentId, ordinal, vectorOf(seed + ordinal), { sourceId }));
      await store.upsert([...chunks('doc-1', 'source-a', 20), ...chunks('doc-2', 'source-a', 30), ...chunks('doc-3', 'source-b', 40)]);
      expect(await store.count({ tenantId })).toBe(9);
      await store.deleteDocuments({ tenantId, documentIds: ['doc-1'] });
      await store.deleteDocuments({ tenantId, documentIds: [] });
      expect(await store.count({ tenantId })).toBe(6);
      expect(await store.count({ tenantId, documentIds: ['doc-1'] })).toBe(0);
      await store.deleteSource({ tenantId, sourceId: 'source-b' });
      expect(await store.count({ tenantId })).toBe(3);
      const hits = await store.search({ vector: vectorOf(40), filter: { tenantId }, limit: 10 });
      expect(new Set(hits.map((hit) => hit.record.documentId))).toEqual(new Set(['doc-2']));
    });

    it('agrees with exact search once the index is built (top hit equal, top 5 overlapping)', async () => {
      const tenantId = tenant();
      const records = Array.from({ length: 600 }, (_, index) => record(tenantId, `doc-${Math.floor(index / 10)}`, index % 10, vectorOf(1000 + index)));
      await store.upsert(records);
      await store.optimize();
      let overlap = 0;
      for (let query = 0; query < 20; query += 1) {
        const target = records[query * 29] as VectorRecord;
        const vector = target.vector.map((value, position) => value + (position === query % DIMENSIONS ? 0.05 : 0));
        const exact = await store.search({ vector, filter: { tenantId }, limit: 5, exact: true });
        const indexed = await store.search({ vector, filter: { tenantId }, limit: 5 });
        expect(exact[0]?.record.id).toBe(target.id);
        expect(indexed[0]?.record.id).toBe(target.id);
        overlap += ids(indexed).filter((id) => ids(exact).includes(id)).length;
      }
      expect(overlap / 100).toBeGreaterThanOrEqual(0.8);
      expect(await store.count({ tenantId })).toBe(600);
    });

    it('rejects vectors of another dimension with a clear, non-retryable error', async () => {
      const tenantId = tenant();
      const failure = { name: 'ApplicationFailure', type: 'InvalidInput', nonRetryable: true, message: expect.stringMatching(new RegExp(`dimension mismatch.*${DIMENSIONS}-dimension.*has 3`)) as unknown };
      await expect(store.upsert([record(tenantId, 'doc-1', 0, [1, 0, 0])])).rejects.toMatchObject(failure);
      await expect(store.search({ vector: [1, 0, 0], filter: { tenantId }, limit: 1 })).rejects.toMatchObject(failure);
      expect(await store.count({ tenantId })).toBe(0);
    });

    it('treats quotes and backslashes in filter values as plain text (no filter injection)', async () => {
      const tricky = `o'brien\\' OR 1=1 --${randomUUID()}`;
      const other = tenant();
      await store.upsert([record(tricky, 'doc-1', 0, axis(0), { sourceId: "it's", scopes: ["knowledge:it's"] }), record(other, 'doc-1', 0, axis(0))]);
      const hits = await store.search({ vector: axis(0), filter: { tenantId: tricky, sourceIds: ["it's"], scopes: ["knowledge:it's"] }, limit: 10 });
      expect(hits.map((hit) => hit.record.tenantId)).toEqual([tricky]);
      expect(await store.search({ vector: axis(0), filter: { tenantId: "x' OR '1'='1" }, limit: 10 })).toEqual([]);
      expect(await store.count({ tenantId: "' OR 1=1 --" })).toBe(0);
      await store.deleteSource({ tenantId: "' OR tenant_id <> '", sourceId: "' OR 1=1 --" });
      expect(await store.count({ tenantId: other })).toBe(1);
      await store.deleteDocuments({ tenantId: tricky, documentIds: ['doc-1'] });
      expect(await store.count({ tenantId: tricky })).toBe(0);
    });
  });
}
