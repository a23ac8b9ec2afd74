import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import type { SourceResult } from '../../domain/types.js';
import { openKnowledgeFixture, type KnowledgeFixture } from '../../test-support/knowledge.js';
import type { ActivityDependencies } from '../dependencies.js';
import { MemoryEventLog } from '../events/memory-event-log.js';
import { indexDocument } from '../knowledge/index-document.js';
import type { KnowledgeServices } from '../knowledge/knowledge-services.js';
import { OfflineChatModel } from '../llm/offline-model.js';
import { BuiltinWebFetcher } from '../web/builtin-web-fetcher.js';
import { respond, startTestWebServer, type TestWebServer } from '../web/web-test-server.js';
import { createRetrievalActivities, relevanceOf, type RetrieveSourcesInput } from './retrieve.js';
import { seedDemoKnowledge } from './seed-demo-knowledge.js';

const TENANT = 'acme';
const logger = createLogger({ level: 'silent' });
let fixture: KnowledgeFixture;
let server: TestWebServer;
let liveFails = false;

const LIVE_PAGE = `<html><head><title>Rate limits</title></head><body><main><h1>Rate limits</h1>
<h2>Per-key limits</h2><p>From today every API key may send 900 requests per minute on the Team plan; bursts above the rate limit receive a 429 answer.</p>
<h2>Unrelated</h2><p>Our office dog is called Biscuit and likes long walks.</p></main></body></html>`;

function dependencies(knowledge?: KnowledgeServices): ActivityDependencies {
  return {
    store: fixture.store,
    eventLog: new MemoryEventLog({ logger }),
    chatModel: new OfflineChatModel({ latencyMs: 0 }),
    logger,
    settings: { qaMinConfidence: 0.2, reviewTimeoutMs: 60_000, modelCallsAsLocalActivities: false },
    ...(knowledge === undefined ? {} : { knowledge }),
  };
}

function services(overrides: Partial<KnowledgeServices> = {}): KnowledgeServices {
  const webFetcher = new BuiltinWebFetcher({ userAgent: 'AgentCraftBot/test', maxBytes: 1_000_000, timeoutMs: 3000, ratePerHost: 1000, cacheTtlSeconds: 0, logger });
  return { vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel, webFetcher, liveWebHosts: ['127.0.0.1'], ...overrides };
}

async function turnInput(overrides: Partial<RetrieveSourcesInput> = {}): Promise<RetrieveSourcesInput> {
  const conversationId = randomUUID();
  const turnId = `${conversationId}-turn-1`;
  await fixture.store.ensureConversation({ id: conversationId, tenantId: TENANT, customerId: 'customer-7' });
  await fixture.store.startTurn({ id: turnId, conversationId, turnNumber: 1, workflowId: `conversation-${conversationId}-turn-1` });
  return { conversationId, turnId, tenantId: TENANT, customerId: 'customer-7', query: 'What is the API rate limit per minute on the Team plan?', knowledgeLimit: 5, historyLimit: 3, ...overrides };
}

const bySource = (results: SourceResult[]) => Object.fromEntries(results.map((result) => [result.source, result]));

beforeAll(async () => {
  fixture = await openKnowledgeFixture();
  server = await startTestWebServer({
    '/docs/rate-limits': (request, response, state) => {
      if (liveFails) response.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      else return respond('text/html; charset=utf-8', LIVE_PAGE)(request, response, state);
    },
  });
  await seedDemoKnowledge(fixture.store, TENANT, { vectorStore: fixture.vectorStore, embeddingModel: fixture.embeddingModel });
  await indexDocument(fixture, {
    tenantId: TENANT,
    sourceId: 'developer-site',
    documentId: 'web:rate-limits',
    title: 'Rate limits',
    url: `${server.origin}/docs/rate-limits`,
    markdown: '## Per-key limits\n\nEvery API key may send 600 requests per minute on the Team plan (synced last month).',
    scopes: ['web:developers.brightloom.example'],
    updatedAt: '2025-01-01T00:00:00.000Z',
  });
  const earlier = randomUUID();
  await fixture.store.ensureConversation({ id: earlier, tenantId: TENANT, customerId: 'customer-7' });
  await fixture.store.saveMessage({ id: `${earlier}-m1`, conversationId: earlier, turnId: `${earlier}-turn-1`, role: 'user', content: 'We are on the Team plan, billed annually. Can we raise the API rate limit?', citations: [], confidence: null });
});
afterAll(async () => {
  await server?.close();
  await fixture?.dispose();
});
beforeEach(() => {
  fixture.vectorStore.failing.clear();
  liveFails = false;
});

describe('retrieveSources with the knowledge layer (PostgreSQL, LanceDB, a live web server)', () => {
  it('runs hybrid knowledge search, live web re-fetch of the best website hits and customer context', async () => {
    const input = await turnInput();
    const sources = bySource(await createRetrievalActivities(dependencies(services())).retrieveSources(input));
    expect(sources.knowledge).toMatchObject({ status: 'ok' });
    expect(sources.knowledge?.detail).toBeUndefined();
    expect(sources.knowledge?.passages.map((passage) => passage.documentId)).toContain('web:rate-limits');
    // Relevance on the lexical path's 0..1 scale (synthesis reads it as retrieval confidence), not RRF's ~1/60.
    expect(sources.knowledge?.passages.every((passage) => passage.score > 0.05 && passage.score <= 1)).toBe(true);
    expect(sources.web?.status).toBe('ok');
    const [live] = sources.web?.passages ?? [];
    expect(live).toMatchObject({ source: 'web', untrusted: true, url: `${server.origin}/docs/rate-limits` });
    expect(live?.id).toMatch(new RegExp(`^${server.origin}/docs/rate-limits#\\d+$`));
    expect(live?.text).toContain('900 requests per minute');
    expect(sources.web?.passages.filter((passage) => !passage.text.includes('900'))).toEqual([]);
    expect(sources.history?.passages.map((passage) => passage.id)).toEqual([`${sources.history?.passages[0]?.id}`, 'preferences:customer-7']);
    expect(sources.history?.passages.at(-1)?.text).toBe('Writes in: en. Says they are on the Team plan. Billing interval mentioned: annual.');
    const turn = await fixture.store.getTurn(input.turnId);
    expect(turn?.stages.find((stage) => stage.stage === 'retrieve')?.status).toBe('ok');
  });

  it('a failing vector store degrades to lexical search, and the trace records the failure', async () => {
    fixture.vectorStore.failing.add('search');
    const input = await turnInput({ query: 'How do I rotate an API key?' });
    const sources = bySource(await createRetrievalActivities(dependencies(services({ webFetcher: undefined }))).retrieveSources(input));
    expect(sources.knowledge).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^degraded: vector retriever failed \(vector store search unavailable/) as unknown });
    expect(sources.knowledge?.passages[0]).toMatchObject({ documentId: 'demo:acme:api-keys', title: expect.stringContaining('Rotate an API key') as unknown });
    const turn = await fixture.store.getTurn(input.turnId);
    expect(turn?.stages.find((stage) => stage.stage === 'retrieve')?.status).toBe('degraded');
    expect(turn?.retrieval.find((entry) => entry.source === 'knowledge')).toMatchObject({ status: 'ok', detail: expect.stringContaining('vector retriever failed') as unknown });
  });

  it('a failing live site is recorded as a failed web source while the turn goes on', async () => {
    liveFails = true;
    const input = await turnInput();
    const sources = bySource(await createRetrievalActivities(dependencies(services())).retrieveSources(input));
    expect(sources.web).toMatchObject({ status: 'failed', passages: [] });
    expect(sources.web?.detail).toMatch(/503/);
    expect(sources.knowledge?.status).toBe('ok');
    expect((await fixture.store.getTurn(input.turnId))?.stages.find((stage) => stage.stage === 'retrieve')?.status).toBe('degraded');
  });

  it("limits knowledge to the agents' scopes and skips history when they do not use it", async () => {
    const input = await turnInput({ query: 'How do I get a refund or rotate an API key?', scopes: ['knowledge:refund-policy'] });
    const sources = bySource(await createRetrievalActivities(dependencies(services({ webFetcher: undefined }))).retrieveSources(input));
    expect(sources.knowledge?.passages.length).toBeGreaterThan(0);
    expect(sources.knowledge?.passages.every((passage) => passage.documentId === 'demo:acme:refund-policy')).toBe(true);
    expect(sources.history).toMatchObject({ status: 'disabled', detail: 'the chosen agents do not use customer history' });
    const lexicalOnly = bySource(await createRetrievalActivities(dependencies()).retrieveSources(await turnInput({ query: 'refund or rotate an API key', scopes: ['knowledge:api-keys', 'history'] })));
    expect(lexicalOnly.knowledge?.passages.every((passage) => passage.documentId === 'demo:acme:api-keys')).toBe(true);
    expect(lexicalOnly.web).toMatchObject({ status: 'disabled' });
    expect(lexicalOnly.history?.status).toBe('ok');
  });
});

describe('relevanceOf', () => {
  it("is the best retriever score, clamped to 0..1", () => {
    const hit = { chunkId: 'd#0', documentId: 'd', sourceId: 's', title: 't', heading: null, url: null, text: 'x', updatedAt: '2025-01-01T00:00:00.000Z', score: 0.032 };
    expect(relevanceOf({ ...hit, retrievers: { vector: { score: 0.41, rank: 2 }, lexical: { score: 0.2, rank: 1 } } })).toBe(0.41);
    expect(relevanceOf({ ...hit, retrievers: { lexical: { score: 0.3, rank: 1 } } })).toBe(0.3);
    expect(relevanceOf({ ...hit, retrievers: { vector: { score: -0.2, rank: 1 } } })).toBe(0);
  });
});
