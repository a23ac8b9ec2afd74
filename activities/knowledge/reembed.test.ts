import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeFixture, openTemporaryLanceDb, type KnowledgeFixture } from '../../test-support/knowledge.js';
import { LocalEmbeddingModel } from '../llm/providers/local-embedding.js';
import type { Store } from '../persistence/store.js';
import { embeddingModelKey, indexDocument, reembedDocument } from './index-document.js';

let fixture: KnowledgeFixture;
beforeAll(async () => {
  fixture = await openKnowledgeFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});

const old = new LocalEmbeddingModel({ dimensions: 64 });
const markdown = (topic: string) => `## ${topic}\n\nEverything about ${topic}, explained in one short paragraph.\n\n## More on ${topic}\n\nA second section about ${topic}.`;

async function indexWithOldModel(documentId: string, topic: string): Promise<void> {
  const lance = await openTemporaryLanceDb(old.dimensions);
  try {
    await indexDocument(
      { store: fixture.store, vectorStore: lance.vectorStore, embeddingModel: old },
      { tenantId: 't', sourceId: 's', documentId, title: topic, url: null, markdown: markdown(topic), scopes: ['knowledge:x'], updatedAt: '2025-01-01T00:00:00.000Z' },
    );
  } finally {
    await lance.dispose();
  }
}

describe('reembedDocument', () => {
  it('gives a document embedded with another model vectors from the current one, from its stored chunks', async () => {
    await indexWithOldModel('doc-refunds', 'refunds');
    const deps = { store: fixture.store, vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel };
    const key = embeddingModelKey(fixture.embeddingModel);
    expect(await fixture.store.listKnowledgeDocumentsToEmbed({ embeddingModel: key, limit: 10 })).toEqual(['doc-refunds']);
    const textsBefore = fixture.embeddingModel.texts;

    expect(await reembedDocument(deps, 'doc-refunds')).toEqual({ outcome: 'reembedded', chunks: 2 });
    expect(fixture.embeddingModel.texts - textsBefore).toBe(2);
    expect(await fixture.vectorStore.count({ tenantId: 't', documentIds: ['doc-refunds'] })).toBe(2);
    expect(await fixture.store.getKnowledgeDocumentState('doc-refunds')).toMatchObject({ embeddingModel: key, chunkCount: 2 });
    expect(await fixture.store.countKnowledgeDocumentsToEmbed(key)).toBe(0);
    const [hit] = await fixture.vectorStore.search({ vector: (await fixture.embeddingModel.embed(['refunds explained'])).embeddings[0]!, limit: 1, filter: { tenantId: 't', scopes: ['knowledge:x'] } });
    expect(hit?.record).toMatchObject({ documentId: 'doc-refunds', title: 'refunds', heading: 'refunds', sourceId: 's' });

    // Done already, or deleted: nothing to embed.
    expect(await reembedDocument(deps, 'doc-refunds')).toEqual({ outcome: 'current', chunks: 0 });
    expect(await reembedDocument(deps, 'doc-missing')).toEqual({ outcome: 'gone', chunks: 0 });
  });

  it('embeds the new content again when a sync rewrote the document while it was being re-embedded', async () => {
    await indexWithOldModel('doc-race', 'invoices');
    const base = { store: fixture.store, vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel };
    let raced = false;
    // The first "mark as embedded" finds that a sync has just indexed new content (with the current model).
    const racingStore = new Proxy(fixture.store, {
      get(target, property, receiver) {
        if (property === 'markKnowledgeDocumentEmbedded' && !raced) {
          return async (input: Parameters<Store['markKnowledgeDocumentEmbedded']>[0]) => {
            raced = true;
            await indexDocument(base, { tenantId: 't', sourceId: 's', documentId: 'doc-race', title: 'invoices', url: null, markdown: '## Invoices v2\n\nInvoices now arrive weekly.', scopes: [], updatedAt: '2025-02-01T00:00:00.000Z' });
            return target.markKnowledgeDocumentEmbedded(input);
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const result = await reembedDocument({ ...base, store: racingStore }, 'doc-race');
    expect(raced).toBe(true);
    // The vectors are the new content's (one chunk), not the two older chunks this call embedded first.
    expect(result).toEqual({ outcome: 'reembedded', chunks: 1 });
    expect(await fixture.vectorStore.count({ tenantId: 't', documentIds: ['doc-race'] })).toBe(1);
    const [hit] = await fixture.vectorStore.search({ vector: (await fixture.embeddingModel.embed(['invoices weekly'])).embeddings[0]!, limit: 1, filter: { tenantId: 't', documentIds: ['doc-race'] } });
    expect(hit?.record.text).toContain('weekly');
  });
});
