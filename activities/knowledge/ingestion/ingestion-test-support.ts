/**
 * Test helpers for ingestion: a small website served by `node:http` on loopback (pages editable while it
 * runs, optional sitemap, optional per-page delay), and a real worker + API with knowledge services
 * (PostgreSQL, LanceDB on disk in a temp dir, the local embedding model counted, the built-in fetcher
 * without cache) on the shared Temporal dev server.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer, type RunningApiServer } from '../../../api/server.js';
import { MemoryEventLog } from '../../events/memory-event-log.js';
import { OfflineChatModel } from '../../llm/offline-model.js';
import { LocalEmbeddingModel } from '../../llm/providers/local-embedding.js';
import { createStore, type KyselyStore } from '../../persistence/kysely-store.js';
import { BuiltinWebFetcher } from '../../web/builtin-web-fetcher.js';
import type { KnowledgeServices } from '../knowledge-services.js';
import { createAgentcraftWorker } from '../../../workers/create-worker.js';
import { testLogger } from '../../../test-support/pipeline.js';
import { testTemporalAddress } from '../../../test-support/temporal.js';
import { CountingEmbeddingModel, openTemporaryLanceDb } from '../../../test-support/knowledge.js';

export interface TestPage {
  title: string;
  body: string;
  links?: string[];
  lastModified?: string;
}

export interface TestSite {
  origin: string;
  pages: Map<string, TestPage>;
  /** Paths listed in `/sitemap.xml` (absent: no sitemap, 404). */
  sitemap: string[] | null;
  /** Paths requested so far, in order. */
  requests: string[];
  delayMs: number;
  close(): Promise<void>;
}

function renderPage(page: TestPage): string {
  const links = (page.links ?? []).map((href) => `<li><a href="${href}">${href}</a></li>`).join('');
  return `<!doctype html><html><head><title>${page.title}</title></head><body><nav><ul>${links}</ul></nav><main><article><h1>${page.title}</h1><p>${page.body}</p></article></main></body></html>`;
}

/** Serves `pages` (path → page) with robots.txt allowing everything. */
export async function startTestSite(pages: Record<string, TestPage>, options: { sitemap?: string[]; delayMs?: number } = {}): Promise<TestSite> {
  const site: Omit<TestSite, 'origin' | 'close'> = { pages: new Map(Object.entries(pages)), sitemap: options.sitemap ?? null, requests: [], delayMs: options.delayMs ?? 0 };
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    site.requests.push(path);
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': type, ...headers });
      response.end(body);
    };
    if (path === '/robots.txt') return send(200, 'text/plain', 'User-agent: *\nAllow: /\n');
    if (path === '/sitemap.xml') {
      if (site.sitemap === null) return send(404, 'text/plain', 'no sitemap');
      const urls = site.sitemap.map((entry) => `<url><loc>${origin}${entry}</loc></url>`).join('');
      return send(200, 'application/xml', `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    }
    const page = site.pages.get(path);
    setTimeout(() => {
      if (page === undefined) send(404, 'text/html', '<html><body>not found</body></html>');
      else send(200, 'text/html; charset=utf-8', renderPage(page), page.lastModified === undefined ? {} : { 'last-modified': page.lastModified });
    }, site.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(site, {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The built-in fetcher as ingestion tests need it: no cache (re-syncs must see changes), no rate-limit waits. */
export function testWebFetcher(): BuiltinWebFetcher {
  return new BuiltinWebFetcher({ userAgent: 'AgentCraftTest/1.0', maxBytes: 5 * 1024 * 1024, timeoutMs: 10_000, ratePerHost: 1000, cacheTtlSeconds: 0, logger: testLogger });
}

export interface KnowledgeHarness {
  store: KyselyStore;
  knowledge: KnowledgeServices;
  embeddings: CountingEmbeddingModel;
  client: Client;
  taskQueue: string;
  api: RunningApiServer;
  baseUrl: string;
  close(): Promise<void>;
}

/** A worker and the API with knowledge services, on a fresh task queue, over the given PostgreSQL database. */
export async function startKnowledgeHarness(options: { databaseUrl: string }): Promise<KnowledgeHarness> {
  const store = createStore({ databaseUrl: options.databaseUrl });
  await store.migrate();
  const embeddings = new CountingEmbeddingModel(new LocalEmbeddingModel());
  const lance = await openTemporaryLanceDb(embeddings.dimensions);
  const knowledge: KnowledgeServices = { vectorStore: lance.vectorStore, embeddingModel: embeddings, webFetcher: testWebFetcher(), liveWebHosts: [] };
  const eventLog = new MemoryEventLog({ logger: testLogger });
  const taskQueue = `knowledge-${randomUUID()}`;
  const address = testTemporalAddress();
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createAgentcraftWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    logger: testLogger,
    dependencies: { store, eventLog, chatModel: new OfflineChatModel({ latencyMs: 0 }), logger: testLogger, knowledge, settings: { qaMinConfidence: 0.2, reviewTimeoutMs: 60_000, modelCallsAsLocalActivities: false } },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const api = await startApiServer({ temporal: client, store, eventLog, knowledge, logger: testLogger, configuration: { temporal: { taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000 }, port: 0 });
  return {
    store,
    knowledge,
    embeddings,
    client,
    taskQueue,
    api,
    baseUrl: `http://127.0.0.1:${api.port}`,
    async close() {
      await api.close();
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await lance.dispose();
      await store.close();
    },
  };
}
