import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKnowledgeFixture, type KnowledgeFixture } from '../../test-support/knowledge.js';
import { embeddingModelKey } from '../knowledge/index-document.js';
import { CURATED_SOURCE_ID, curateReviewedAnswer } from './review-activities.js';

let fixture: KnowledgeFixture;
beforeAll(async () => {
  fixture = await openKnowledgeFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});

const decision = { conversationId: 'c-1', turnId: 't-1', escalationId: 'e-1', status: 'approved' as const, reviewer: 'ana', finalAnswer: 'Open Billing and click Download PDF next to the invoice. [1]', question: 'Where do I download an invoice?' };

describe('curateReviewedAnswer', () => {
  it('indexes an approved answer into both retrievers when the worker has knowledge services', async () => {
    const knowledge = { vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel, liveWebHosts: [] };
    await curateReviewedAnswer({ store: fixture.store, knowledge }, decision, 'tenant-r');
    expect(await fixture.store.getKnowledgeDocumentState('curated:e-1')).toMatchObject({ tenantId: 'tenant-r', embeddingModel: embeddingModelKey(fixture.embeddingModel), chunkCount: 1 });
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-r', sourceIds: [CURATED_SOURCE_ID] })).toBe(1);
    const [lexical] = await fixture.store.searchKnowledge({ tenantId: 'tenant-r', query: 'download invoice', limit: 1 });
    expect(lexical).toMatchObject({ documentId: 'curated:e-1', sourceId: CURATED_SOURCE_ID });
    // Citation markers are not part of the curated text.
    expect(lexical?.text).not.toContain('[1]');
    // Nothing is left for the re-embedding to do.
    expect(await fixture.store.countKnowledgeDocumentsToEmbed(embeddingModelKey(fixture.embeddingModel))).toBe(0);
  });

  it('keeps rejected answers out, and without knowledge services writes the lexical side only', async () => {
    await curateReviewedAnswer({ store: fixture.store }, { ...decision, escalationId: 'e-2', status: 'rejected' }, 'tenant-s');
    expect(await fixture.store.getKnowledgeDocumentState('curated:e-2')).toBeNull();
    await curateReviewedAnswer({ store: fixture.store }, { ...decision, escalationId: 'e-3' }, 'tenant-s');
    expect(await fixture.store.getKnowledgeDocumentState('curated:e-3')).toMatchObject({ tenantId: 'tenant-s', embeddingModel: null });
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-s' })).toBe(0);
  });
});
