import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { openKnowledgeFixture, type KnowledgeFixture } from '../../test-support/knowledge.js';
import { countTokens } from '../llm/text.js';
import { createStore, type KyselyStore } from '../persistence/kysely-store.js';
import { DEMO_CHUNK_OPTIONS, DEMO_SOURCE_ID, loadDemoKnowledge, seedDemoKnowledge } from './seed-demo-knowledge.js';

const SLUGS = [
  'api-keys',
  'audit-log',
  'change-plan-and-proration',
  'data-export',
  'delete-account',
  'failed-payments',
  'gdpr-and-data-processing',
  'integrations',
  'invoices',
  'payment-methods',
  'plans-and-pricing',
  'refund-policy',
  'scim-provisioning',
  'single-sign-on',
  'status-and-incidents',
  'two-factor-authentication',
  'users-and-roles',
  'vat-and-sales-tax',
  'webhooks',
];

describe('loadDemoKnowledge', () => {
  it('parses every article with valid front matter into documents with unique ids', async () => {
    const documents = await loadDemoKnowledge();
    expect(documents.map((document) => document.id)).toEqual(SLUGS.map((slug) => `demo:default:${slug}`));
    for (const [index, document] of documents.entries()) {
      expect(document).toMatchObject({
        tenantId: 'default',
        sourceId: DEMO_SOURCE_ID,
        url: `https://help.brightloom.example/articles/${SLUGS[index]}`,
      });
      expect(document.title.length).toBeGreaterThan(5);
      expect(document.updatedAt).toMatch(/^2025-\d{2}-\d{2}T00:00:00\.000Z$/);
      expect(document.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(document.chunks.map((chunk) => chunk.ordinal)).toEqual(document.chunks.map((_, ordinal) => ordinal));
      expect(document.chunks.map((chunk) => chunk.id)).toEqual(document.chunks.map((_, ordinal) => `${document.id}#${ordinal}`));
      for (const chunk of document.chunks) {
        expect(chunk.text.trim()).not.toBe('');
        expect(countTokens(chunk.text)).toBeLessThanOrEqual(DEMO_CHUNK_OPTIONS.maxTokens);
      }
    }
    const chunkIds = documents.flatMap((document) => document.chunks.map((chunk) => chunk.id));
    expect(new Set(chunkIds).size).toBe(chunkIds.length);
    expect(new Set(documents.map((document) => document.contentHash)).size).toBe(documents.length);
  });

  it('has a step-by-step API key rotation section', async () => {
    const apiKeys = (await loadDemoKnowledge()).find((document) => document.id === 'demo:default:api-keys');
    const rotation = apiKeys?.chunks.find((chunk) => chunk.heading === 'Rotate an API key');
    expect(rotation?.text).toMatch(/^Rotating an API key replaces its secret without downtime/);
    expect(rotation?.text).toContain('3. Choose the overlap window.');
  });

  it('is deterministic, and scopes ids (not content hashes) to the tenant', async () => {
    const first = await loadDemoKnowledge();
    expect(await loadDemoKnowledge()).toEqual(first);
    const other = await loadDemoKnowledge({ tenantId: 'acme' });
    expect(other[0]?.id).toBe('demo:acme:api-keys');
    expect(other[0]?.chunks[0]?.id).toBe('demo:acme:api-keys#0');
    expect(other.map((document) => document.contentHash)).toEqual(first.map((document) => document.contentHash));
  });

  describe('with malformed articles', () => {
    let directory: string;
    const article = (frontMatter: string) => `---\n${frontMatter}\n---\n\n## Section\n\nSome text.\n`;
    const valid = 'title: Valid\nslug: good\nurl: https://help.brightloom.example/articles/good\nupdated: 2025-01-02\ncategory: Account';

    beforeAll(async () => {
      directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-demo-knowledge-'));
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    async function loadOnly(fileName: string, content: string) {
      const folder = await mkdtemp(path.join(directory, 'case-'));
      await writeFile(path.join(folder, fileName), content);
      return loadDemoKnowledge({ directory: folder });
    }

    it('accepts a valid article', async () => {
      const [document] = await loadOnly('good.md', article(valid));
      expect(document).toMatchObject({ id: 'demo:default:good', title: 'Valid', updatedAt: '2025-01-02T00:00:00.000Z' });
      expect(document?.chunks).toEqual([{ id: 'demo:default:good#0', ordinal: 0, heading: 'Section', text: 'Some text.' }]);
    });

    it.each([
      ['a missing title', valid.replace('title: Valid\n', '')],
      ['an http url', valid.replace('https://', 'http://')],
      ['a bad date', valid.replace('2025-01-02', 'last week')],
      ['an unknown key', `${valid}\nauthor: Someone`],
    ])('rejects %s as a non-retryable InvalidInput naming the file', async (_, frontMatter) => {
      await expect(loadOnly('good.md', article(frontMatter))).rejects.toMatchObject({
        name: 'ApplicationFailure',
        type: 'InvalidInput',
        nonRetryable: true,
        message: expect.stringContaining('good.md') as unknown,
      });
    });

    it('rejects a file name that does not match the slug', async () => {
      await expect(loadOnly('other.md', article(valid))).rejects.toThrow(/other\.md: file name must be good\.md/);
    });
  });
});

describe('seedDemoKnowledge into a real store (PGlite in memory)', () => {
  let store: KyselyStore;

  beforeAll(async () => {
    store = createStore({ logger: createLogger({ level: 'silent' }) });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('inserts every article once, then finds them unchanged, per tenant', async () => {
    expect(await seedDemoKnowledge(store, 'tenant-a')).toEqual({ inserted: SLUGS.length, updated: 0, unchanged: 0 });
    expect(await seedDemoKnowledge(store, 'tenant-a')).toEqual({ inserted: 0, updated: 0, unchanged: SLUGS.length });
    expect(await seedDemoKnowledge(store, 'tenant-b')).toEqual({ inserted: SLUGS.length, updated: 0, unchanged: 0 });
    expect(await store.countKnowledgeDocuments('tenant-a')).toBe(SLUGS.length);
    expect(await store.countKnowledgeDocuments('tenant-c')).toBe(0);
  });

  it('rewrites a document whose stored copy differs', async () => {
    await seedDemoKnowledge(store, 'tenant-d');
    const [stale] = await loadDemoKnowledge({ tenantId: 'tenant-d' });
    if (stale === undefined) throw new Error('no demo documents');
    await store.upsertKnowledgeDocument({ ...stale, contentHash: 'stale', chunks: stale.chunks.slice(0, 1) });
    expect(await seedDemoKnowledge(store, 'tenant-d')).toEqual({ inserted: 0, updated: 1, unchanged: SLUGS.length - 1 });
  });

  it('makes the rotation section the best search hit for the rotation question', async () => {
    await seedDemoKnowledge(store, 'tenant-e');
    const [best] = await store.searchKnowledge({ tenantId: 'tenant-e', query: 'How do I rotate an API key?', limit: 5 });
    expect(best).toMatchObject({ documentId: 'demo:tenant-e:api-keys', heading: 'Rotate an API key' });
  });
});

describe('seedDemoKnowledge with knowledge services (PostgreSQL + LanceDB on disk)', () => {
  let fixture: KnowledgeFixture;

  beforeAll(async () => {
    fixture = await openKnowledgeFixture();
  });
  afterAll(async () => {
    await fixture?.dispose();
  });

  it('indexes every article into the vector store with its knowledge:<slug> scope, idempotently', async () => {
    const services = { vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel };
    expect(await seedDemoKnowledge(fixture.store, 'tenant-v', services)).toEqual({ inserted: SLUGS.length, updated: 0, unchanged: 0 });
    const chunks = (await loadDemoKnowledge({ tenantId: 'tenant-v' })).reduce((sum, document) => sum + document.chunks.length, 0);
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-v' })).toBe(chunks);
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-v', scopes: ['knowledge:refund-policy'] })).toBeGreaterThan(0);
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-v', scopes: ['knowledge:no-such-topic'] })).toBe(0);
    const calls = fixture.embeddingModel.calls;
    expect(await seedDemoKnowledge(fixture.store, 'tenant-v', services)).toEqual({ inserted: 0, updated: 0, unchanged: SLUGS.length });
    expect(fixture.embeddingModel.calls).toBe(calls);
  });

  it('adds vectors to a tenant seeded for lexical search only before, and keeps the lexical copy unchanged afterwards', async () => {
    expect(await seedDemoKnowledge(fixture.store, 'tenant-w')).toEqual({ inserted: SLUGS.length, updated: 0, unchanged: 0 });
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-w' })).toBe(0);
    const services = { vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel };
    expect(await seedDemoKnowledge(fixture.store, 'tenant-w', services)).toEqual({ inserted: 0, updated: SLUGS.length, unchanged: 0 });
    expect(await fixture.vectorStore.count({ tenantId: 'tenant-w' })).toBeGreaterThan(SLUGS.length);
    expect(await seedDemoKnowledge(fixture.store, 'tenant-w')).toEqual({ inserted: 0, updated: 0, unchanged: SLUGS.length });
    expect(await seedDemoKnowledge(fixture.store, 'tenant-w', services)).toEqual({ inserted: 0, updated: 0, unchanged: SLUGS.length });
  });
});
