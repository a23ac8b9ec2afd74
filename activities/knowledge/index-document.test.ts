import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openKnowledgeFixture, type KnowledgeFixture } from '../../test-support/knowledge.js';
import type { Store } from '../persistence/store.js';
import { embeddingModelKey, indexDocument, removeDocuments, type IndexDocumentInput } from './index-document.js';

const sections = (count: number) =>
  Array.from({ length: count }, (_, index) => `## Section ${index + 1}\n\nParagraph ${index + 1} explains topic number ${index + 1} in detail.`).join('\n\n');

let fixture: KnowledgeFixture;
let sequence = 0;

function documentInput(overrides: Partial<IndexDocumentInput> = {}): IndexDocumentInput {
  sequence += 1;
  return {
    tenantId: 'tenant-a',
    sourceId: 'source-1',
    documentId: `doc-${sequence}`,
    title: 'Guide',
    url: 'https://docs.example.com/guide',
    markdown: sections(3),
    scopes: ['knowledge:guides'],
    updatedAt: '2025-03-01T00:00:00.000Z',
    ...overrides,
  };
}

const deps = () => ({ store: fixture.store, vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel });
const vectorCount = (tenantId: string, documentId: string) => fixture.vectorStore.inner.count({ tenantId, documentIds: [documentId] });

/** The real store, with `upsertKnowledgeDocument` failing once: a worker dying between the two writes. */
function storeFailingUpsertOnce(store: Store): Store {
  let failed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'upsertKnowledgeDocument' && !failed) {
        return () => {
          failed = true;
          return Promise.reject(new Error('worker killed before the PostgreSQL write'));
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

beforeAll(async () => {
  fixture = await openKnowledgeFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});
beforeEach(() => {
  fixture.vectorStore.failing.clear();
});

describe('indexDocument (PostgreSQL + LanceDB on disk)', () => {
  it('inserts chunks into both stores with `<documentId>#<ordinal>` ids, scopes and the embedding model', async () => {
    const input = documentInput();
    const result = await indexDocument(deps(), input);
    expect(result).toMatchObject({ outcome: 'inserted', chunks: 3 });
    expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await vectorCount('tenant-a', input.documentId)).toBe(3);
    expect(await fixture.store.getKnowledgeDocumentState(input.documentId)).toEqual({
      tenantId: 'tenant-a',
      contentHash: result.contentHash,
      embeddingModel: embeddingModelKey(fixture.embeddingModel),
      chunkCount: 3,
    });
    const [vector] = await fixture.embeddingModel.embed(['Paragraph 2 explains topic number 2']).then((embedded) => embedded.embeddings);
    const hits = await fixture.vectorStore.search({ vector: vector ?? [], limit: 1, filter: { tenantId: 'tenant-a', documentIds: [input.documentId] } });
    expect(hits[0]?.record).toMatchObject({ id: `${input.documentId}#1`, scopes: ['knowledge:guides'], heading: 'Section 2', sourceId: 'source-1' });
  });

  it('skips an unchanged document without a single embedding call', async () => {
    const input = documentInput();
    const first = await indexDocument(deps(), input);
    const callsBefore = fixture.embeddingModel.calls;
    const again = await indexDocument(deps(), { ...input, updatedAt: '2025-04-01T00:00:00.000Z' });
    expect(again).toEqual({ outcome: 'unchanged', chunks: 3, contentHash: first.contentHash });
    expect(fixture.embeddingModel.calls).toBe(callsBefore);
    expect(fixture.vectorStore.calls.slice(-1)).toEqual(['count']);
  });

  it('replaces the chunks of a changed document and deletes the stale ordinals of a shrunk one', async () => {
    const input = documentInput({ markdown: sections(5) });
    await indexDocument(deps(), input);
    expect(await vectorCount('tenant-a', input.documentId)).toBe(5);
    const shrunk = await indexDocument(deps(), { ...input, markdown: '## Only\n\nThe single remaining paragraph about pelicans.' });
    expect(shrunk).toMatchObject({ outcome: 'updated', chunks: 1 });
    expect(await vectorCount('tenant-a', input.documentId)).toBe(1);
    expect((await fixture.store.getKnowledgeDocumentState(input.documentId))?.chunkCount).toBe(1);
    const lexical = await fixture.store.searchKnowledge({ tenantId: 'tenant-a', query: 'pelicans', limit: 5 });
    expect(lexical.map((hit) => hit.chunkId)).toEqual([`${input.documentId}#0`]);
    expect(await fixture.store.searchKnowledge({ tenantId: 'tenant-a', query: 'topic number 4', limit: 50 }).then((hits) => hits.filter((hit) => hit.documentId === input.documentId))).toEqual([]);
  });

  it('re-embeds when the scopes change (they are part of the content hash)', async () => {
    const input = documentInput();
    await indexDocument(deps(), input);
    const callsBefore = fixture.embeddingModel.calls;
    expect((await indexDocument(deps(), { ...input, scopes: ['knowledge:other'] })).outcome).toBe('updated');
    expect(fixture.embeddingModel.calls).toBe(callsBefore + 1);
  });

  it('crash before the PostgreSQL write: the next attempt redoes the document and leaves no duplicate vectors', async () => {
    const input = documentInput({ markdown: sections(4) });
    await expect(indexDocument({ ...deps(), store: storeFailingUpsertOnce(fixture.store) }, input)).rejects.toThrow(/worker killed/);
    expect(await vectorCount('tenant-a', input.documentId)).toBe(4);
    expect(await fixture.store.getKnowledgeDocumentState(input.documentId)).toBeNull();
    const callsBefore = fixture.embeddingModel.calls;
    expect(await indexDocument(deps(), input)).toMatchObject({ outcome: 'inserted', chunks: 4 });
    expect(fixture.embeddingModel.calls).toBe(callsBefore + 1);
    expect(await vectorCount('tenant-a', input.documentId)).toBe(4);
    expect((await fixture.store.getKnowledgeDocumentState(input.documentId))?.chunkCount).toBe(4);
  });

  it('a failed vector write leaves PostgreSQL untouched, so the document is redone', async () => {
    const input = documentInput();
    fixture.vectorStore.failing.add('upsert');
    await expect(indexDocument(deps(), input)).rejects.toThrow(/upsert unavailable/);
    expect(await fixture.store.getKnowledgeDocumentState(input.documentId)).toBeNull();
    fixture.vectorStore.failing.clear();
    expect((await indexDocument(deps(), input)).outcome).toBe('inserted');
  });

  it('repairs missing vectors of a document whose row says unchanged', async () => {
    const input = documentInput();
    await indexDocument(deps(), input);
    await fixture.vectorStore.deleteDocuments({ tenantId: 'tenant-a', documentIds: [input.documentId] });
    expect(await indexDocument(deps(), input)).toMatchObject({ outcome: 'updated', chunks: 3 });
    expect(await vectorCount('tenant-a', input.documentId)).toBe(3);
  });

  it("refuses another tenant's document id before touching the vector store", async () => {
    const input = documentInput();
    await indexDocument(deps(), input);
    const callsBefore = fixture.vectorStore.calls.length;
    await expect(indexDocument(deps(), { ...input, tenantId: 'tenant-b', markdown: 'Hijacked text.' })).rejects.toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(fixture.vectorStore.calls.length).toBe(callsBefore);
    expect(await vectorCount('tenant-b', input.documentId)).toBe(0);
  });

  it('removeDocuments deletes vectors and rows of the tenant only', async () => {
    const mine = documentInput();
    const theirs = documentInput({ tenantId: 'tenant-b' });
    await indexDocument(deps(), mine);
    await indexDocument(deps(), theirs);
    await removeDocuments(deps(), { tenantId: 'tenant-a', documentIds: [mine.documentId, theirs.documentId] });
    expect(await vectorCount('tenant-a', mine.documentId)).toBe(0);
    expect(await fixture.store.getKnowledgeDocumentState(mine.documentId)).toBeNull();
    expect(await vectorCount('tenant-b', theirs.documentId)).toBe(3);
    expect(await fixture.store.getKnowledgeDocumentState(theirs.documentId)).not.toBeNull();
  });
});
