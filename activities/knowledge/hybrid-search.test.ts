import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openKnowledgeFixture, type KnowledgeFixture } from '../../test-support/knowledge.js';
import type { EmbeddingModel } from '../llm/embedding-model.js';
import { DEMO_SOURCE_ID, seedDemoKnowledge } from '../retrieval/seed-demo-knowledge.js';
import { HYBRID_FUSION, searchKnowledgeHybrid } from './hybrid-search.js';
import { indexDocument } from './index-document.js';
import { TermProximityReranker } from './rerank.js';

let fixture: KnowledgeFixture;
const deps = () => ({ store: fixture.store, vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel });

beforeAll(async () => {
  fixture = await openKnowledgeFixture();
  await seedDemoKnowledge(fixture.store, 'tenant-a', { vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel });
  await indexDocument(deps(), {
    tenantId: 'tenant-b',
    sourceId: 'b-docs',
    documentId: 'b-secret',
    title: 'Rotate an API key at Tenant B',
    url: null,
    markdown: '## Rotate an API key\n\nTenant B rotates API keys by calling the vault team on extension 4471.',
    scopes: ['knowledge:api-keys'],
    updatedAt: '2025-02-02T00:00:00.000Z',
  });
});
afterAll(async () => {
  await fixture?.dispose();
});
beforeEach(() => {
  fixture.vectorStore.failing.clear();
});

describe('searchKnowledgeHybrid (PostgreSQL + LanceDB on disk)', () => {
  it('fuses both retrievers and keeps per-retriever score and rank as provenance', async () => {
    const result = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'How do I rotate an API key?', limit: 5 });
    const [best] = result.hits;
    expect(best).toMatchObject({ documentId: 'demo:tenant-a:api-keys', heading: 'Rotate an API key', sourceId: DEMO_SOURCE_ID, url: 'https://help.brightloom.example/articles/api-keys' });
    expect(best?.chunkId).toMatch(/^demo:tenant-a:api-keys#\d+$/);
    expect(best?.updatedAt).toMatch(/^2025-/);
    expect(best?.retrievers.vector).toEqual({ score: expect.any(Number) as unknown, rank: expect.any(Number) as unknown });
    expect(best?.retrievers.lexical).toEqual({ score: expect.any(Number) as unknown, rank: expect.any(Number) as unknown });
    const { k, weights } = HYBRID_FUSION;
    expect(best?.score).toBeCloseTo(weights.vector / (k + (best?.retrievers.vector?.rank ?? 0)) + weights.lexical / (k + (best?.retrievers.lexical?.rank ?? 0)), 12);
    expect(result.hits.length).toBe(5);
    expect(result.retrievers.vector).toMatchObject({ hits: expect.any(Number) as unknown });
    expect(result.retrievers.vector.error).toBeUndefined();
    expect(result.retrievers.lexical.hits).toBeGreaterThan(0);
  });

  it('never returns another tenant’s chunks, from either retriever', async () => {
    const forA = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'vault team extension 4471 rotate', limit: 50 });
    expect(forA.hits.length).toBeGreaterThan(0);
    expect(forA.hits.every((hit) => hit.documentId.startsWith('demo:tenant-a:'))).toBe(true);
    const forB = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-b', query: 'How do I rotate an API key?', limit: 50 });
    expect(forB.hits.map((hit) => hit.documentId)).toEqual(['b-secret']);
    expect(forB.hits[0]?.retrievers).toMatchObject({ vector: { rank: 1 }, lexical: { rank: 1 } });
    const forNobody = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-c', query: 'rotate an API key', limit: 10 });
    expect(forNobody.hits).toEqual([]);
  });

  it('filters by scope and by source in both retrievers', async () => {
    const scoped = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'How do I rotate an API key or get a refund on an invoice?', limit: 20, scopes: ['knowledge:refund-policy', 'knowledge:invoices'] });
    expect(scoped.hits.length).toBeGreaterThan(0);
    for (const hit of scoped.hits) expect(['demo:tenant-a:refund-policy', 'demo:tenant-a:invoices']).toContain(hit.documentId);
    expect(scoped.hits.some((hit) => hit.retrievers.vector !== undefined) && scoped.hits.some((hit) => hit.retrievers.lexical !== undefined)).toBe(true);
    expect(scoped.hits.some((hit) => hit.documentId.endsWith(':api-keys'))).toBe(false);
    const noScopes = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'refund', limit: 5, scopes: [] });
    expect(noScopes.hits).toEqual([]);
    const otherSource = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'refund', limit: 5, sourceIds: ['some-other-source'] });
    expect(otherSource.hits).toEqual([]);
    const demoSource = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'refund', limit: 5, sourceIds: [DEMO_SOURCE_ID] });
    expect(demoSource.hits.length).toBe(5);
  });

  it('answers from the lexical retriever when the vector store fails, and reports the error', async () => {
    fixture.vectorStore.failing.add('search');
    const result = await searchKnowledgeHybrid(deps(), { tenantId: 'tenant-a', query: 'How do I rotate an API key?', limit: 3 });
    expect(result.retrievers.vector.error).toMatch(/search unavailable/);
    expect(result.retrievers.vector.hits).toBe(0);
    expect(result.hits[0]).toMatchObject({ documentId: 'demo:tenant-a:api-keys', retrievers: { lexical: { rank: 1 } } });
    expect(result.hits.every((hit) => hit.retrievers.vector === undefined)).toBe(true);
  });

  it('answers from the vector retriever when embedding works but lexical search fails; throws when both fail', async () => {
    const broken = new Proxy(fixture.store, {
      get: (target, property) => (property === 'searchKnowledge' ? () => Promise.reject(new Error('lexical down')) : (Reflect.get(target, property) as unknown)),
    });
    const bound = { ...deps(), store: broken };
    const result = await searchKnowledgeHybrid(bound, { tenantId: 'tenant-a', query: 'rotate an API key', limit: 3 });
    expect(result.retrievers.lexical.error).toBe('lexical down');
    expect(result.hits[0]?.retrievers.vector?.rank).toBe(1);
    const failingModel: EmbeddingModel = { provider: 'test', modelId: 'down', dimensions: 512, embed: () => Promise.reject(new Error('embeddings down')) };
    await expect(searchKnowledgeHybrid({ ...bound, embeddingModel: failingModel }, { tenantId: 'tenant-a', query: 'rotate', limit: 3 })).rejects.toThrow(/vector: embeddings down; lexical: lexical down/);
  });

  it('applies a reranker to the fused candidates', async () => {
    const result = await searchKnowledgeHybrid({ ...deps(), reranker: new TermProximityReranker() }, { tenantId: 'tenant-a', query: 'How do I rotate an API key?', limit: 3 });
    expect(result.hits[0]).toMatchObject({ documentId: 'demo:tenant-a:api-keys', heading: 'Rotate an API key' });
    expect(result.hits[0]?.retrievers.lexical).toBeDefined();
  });
});
