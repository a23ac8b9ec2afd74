import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { BuiltinWebFetcher, type BuiltinWebFetcherOptions } from './builtin-web-fetcher.js';
import { InMemoryPageCache, RedisPageCache } from './page-cache.js';
import { redirect, respond, startTestWebServer, type Route, type TestWebServer } from './web-test-server.js';

const logger = createLogger({ level: 'silent' });
const ALLOWED = ['127.0.0.1'];
const ARTICLE = readFileSync(new URL('./__fixtures__/article.html', import.meta.url), 'utf8');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const servers: TestWebServer[] = [];

async function serve(routes: Record<string, Route>): Promise<TestWebServer> {
  const server = await startTestWebServer(routes);
  servers.push(server);
  return server;
}

function fetcher(options: Partial<BuiltinWebFetcherOptions> = {}): BuiltinWebFetcher {
  return new BuiltinWebFetcher({ userAgent: 'AgentCraftBot/0.0.0-test', maxBytes: 1024 * 1024, timeoutMs: 5000, ratePerHost: 1000, cacheTtlSeconds: 0, logger, ...options });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('BuiltinWebFetcher content', () => {
  it('keeps the article as Markdown with headings and absolute links, and drops navigation and scripts', async () => {
    const server = await serve({ '/docs/install': respond('text/html; charset=utf-8', ARTICLE, { 'last-modified': 'Tue, 03 Jun 2025 10:00:00 GMT' }) });
    const page = await fetcher().fetchPage({ url: `${server.origin}/docs/install#top`, allowedHosts: ALLOWED });
    expect(page).toMatchObject({ url: `${server.origin}/docs/install`, status: 200, contentType: 'text/html', untrusted: true, cached: false, lastModified: '2025-06-03T10:00:00.000Z' });
    expect(page.title).toContain('Install guide');
    expect(page.markdown).toMatch(/^# Install guide$/m);
    expect(page.markdown).toMatch(/^## Configure the server$/m);
    expect(page.markdown).toContain(`[configuration reference](${server.origin}/docs/config#ports)`);
    expect(page.markdown).toContain('```\nacme start --port 8080\n```');
    for (const marker of ['NAVIGATION-MENU-MARKER', 'TRACKING-SCRIPT-MARKER', 'INLINE-SCRIPT-MARKER', 'FOOTER-MARKER', 'color: red']) expect(page.markdown).not.toContain(marker);
    expect(page.links).toEqual([`${server.origin}/home`, `${server.origin}/pricing`, `${server.origin}/docs/config`, `${server.origin}/blog/launch`, 'https://other.example/x']);
  });

  it('keeps a short page that Readability does not take for an article, without its navigation', async () => {
    const html = '<html><head><title>Status</title></head><body><nav>MENU-MARKER <a href="/x">x</a></nav><main><h1>All systems go</h1><p>No incidents.</p></main><script>SCRIPT-MARKER</script></body></html>';
    const server = await serve({ '/status': respond('text/html', html) });
    const page = await fetcher().fetchPage({ url: `${server.origin}/status`, allowedHosts: ALLOWED });
    expect(page.markdown).toMatch(/^# All systems go$/m);
    expect(page.markdown).toContain('No incidents.');
    expect(page.markdown).not.toMatch(/MENU-MARKER|SCRIPT-MARKER/);
    expect(page.links).toEqual([`${server.origin}/x`]);
  });

  it('passes Markdown and plain text through, with their links', async () => {
    const markdown = '# Release notes\n\nSee [the guide](/docs/install#step-2) and https://example.com/changelog.\n';
    const server = await serve({ '/notes.md': respond('text/markdown', markdown), '/notes.txt': respond('text/plain', 'just text') });
    const page = await fetcher().fetchPage({ url: `${server.origin}/notes.md`, allowedHosts: ALLOWED });
    expect(page).toMatchObject({ title: 'Release notes', markdown: markdown.trim(), contentType: 'text/markdown', untrusted: true });
    expect(page.links).toEqual([`${server.origin}/docs/install`, 'https://example.com/changelog']);
    expect((await fetcher().fetchPage({ url: `${server.origin}/notes.txt`, allowedHosts: ALLOWED })).markdown).toBe('just text');
  });

  it('decodes declared charsets from the header and from <meta>', async () => {
    const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
    const shiftJis = Buffer.from([0x93, 0xfa, 0x96, 0x7b]); // 日本 in Shift_JIS
    const server = await serve({
      '/header': respond('text/plain; charset=ISO-8859-1', latin1('Café crème')),
      '/meta': respond('text/html', latin1('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Menu</title></head><body><p>Crème brûlée – 5 €</p></body></html>')),
      '/sjis': respond('text/plain; charset=Shift_JIS', shiftJis),
      '/utf8': respond('text/plain', Buffer.from('naïve – 日本', 'utf8')),
    });
    const web = fetcher();
    expect((await web.fetchPage({ url: `${server.origin}/header`, allowedHosts: ALLOWED })).markdown).toBe('Café crème');
    expect((await web.fetchPage({ url: `${server.origin}/meta`, allowedHosts: ALLOWED })).markdown).toContain('Crème brûlée');
    expect((await web.fetchPage({ url: `${server.origin}/sjis`, allowedHosts: ALLOWED })).markdown).toBe('日本');
    expect((await web.fetchPage({ url: `${server.origin}/utf8`, allowedHosts: ALLOWED })).markdown).toBe('naïve – 日本');
  });

  it('follows an allowed redirect and reports the final URL', async () => {
    const server = await serve({ '/old': redirect('/new', 301), '/new': respond('text/plain', 'moved here') });
    const page = await fetcher().fetchPage({ url: `${server.origin}/old`, allowedHosts: ALLOWED });
    expect(page).toMatchObject({ requestedUrl: `${server.origin}/old`, url: `${server.origin}/new`, markdown: 'moved here' });
  });

  it('serves a second fetch from the in-process cache', async () => {
    const server = await serve({ '/page': respond('text/html', ARTICLE) });
    const web = fetcher({ cacheTtlSeconds: 60, cache: new InMemoryPageCache() });
    const first = await web.fetchPage({ url: `${server.origin}/page`, allowedHosts: ALLOWED });
    const second = await web.fetchPage({ url: `${server.origin}/page`, allowedHosts: ALLOWED });
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, markdown: first.markdown, untrusted: true });
    expect(server.count('/page')).toBe(1);
    // A sync asks for a fresh copy: maxAgeSeconds 0 bypasses the cache.
    const fresh = await web.fetchPage({ url: `${server.origin}/page`, allowedHosts: ALLOWED, maxAgeSeconds: 0 });
    expect(fresh.cached).toBe(false);
    expect(server.count('/page')).toBe(2);
    // The allow-list still applies to cached pages.
    await expect(web.fetchPage({ url: `${server.origin}/page`, allowedHosts: ['example.com'] })).rejects.toMatchObject({ type: 'WebHostNotAllowed' });
  });

  it('spaces requests to one host by its rate limit, in arrival order', async () => {
    const server = await serve({ '/robots.txt': respond('text/plain', 'User-agent: *\nAllow: /\n'), '/p/1': respond('text/plain', '1'), '/p/2': respond('text/plain', '2'), '/p/3': respond('text/plain', '3') });
    const delayed: string[] = [];
    const web = fetcher({ ratePerHost: 20, onRateLimitDelay: (host) => delayed.push(host) });
    const pages = await Promise.all([1, 2, 3].map((n) => web.fetchPage({ url: `${server.origin}/p/${n}`, allowedHosts: ALLOWED })));
    expect(pages.map((page) => page.markdown)).toEqual(['1', '2', '3']);
    expect(server.requests).toEqual(['/robots.txt', '/p/1', '/p/2', '/p/3']);
    // Robots.txt took the first slot; at least the 2nd and 3rd page had to wait their turn.
    expect(delayed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(delayed)).toEqual(new Set([`127.0.0.1:${server.port}`]));
  });
});

describe('BuiltinWebFetcher with the Redis page cache', () => {
  let redis: Redis;
  const prefix = `agentcraft-test:web:${randomUUID()}:`;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('shares cached pages between fetchers (workers) with a TTL', async () => {
    const server = await serve({ '/shared': respond('text/html', ARTICLE) });
    const cache = new RedisPageCache(redis, logger, prefix);
    const first = await fetcher({ cacheTtlSeconds: 120, cache }).fetchPage({ url: `${server.origin}/shared`, allowedHosts: ALLOWED });
    const second = await fetcher({ cacheTtlSeconds: 120, cache: new RedisPageCache(redis, logger, prefix) }).fetchPage({ url: `${server.origin}/shared`, allowedHosts: ALLOWED });
    expect(second).toMatchObject({ cached: true, markdown: first.markdown, url: first.url, untrusted: true });
    expect(server.count('/shared')).toBe(1);
    const ttl = await redis.ttl(cache.keyOf(`${server.origin}/shared`));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('treats an unreadable cache entry as a miss', async () => {
    const server = await serve({ '/corrupt': respond('text/plain', 'fresh') });
    const cache = new RedisPageCache(redis, logger, prefix);
    await redis.set(cache.keyOf(`${server.origin}/corrupt`), '{"not":"a page"}', 'EX', 60);
    const page = await fetcher({ cacheTtlSeconds: 60, cache }).fetchPage({ url: `${server.origin}/corrupt`, allowedHosts: ALLOWED });
    expect(page).toMatchObject({ cached: false, markdown: 'fresh' });
  });
});
