import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { BuiltinWebFetcher } from './builtin-web-fetcher.js';
import { parseSitemap } from './sitemap.js';
import { respond, startTestWebServer, type Route, type TestWebServer } from './web-test-server.js';
import { WebFetchErrorType } from './web-fetcher.js';

const logger = createLogger({ level: 'silent' });
const ALLOWED = ['127.0.0.1'];
const servers: TestWebServer[] = [];

async function serve(routes: (origin: () => string) => Record<string, Route>): Promise<TestWebServer> {
  let origin = '';
  const server = await startTestWebServer(routes(() => origin));
  origin = server.origin;
  servers.push(server);
  return server;
}

function fetcher(): BuiltinWebFetcher {
  return new BuiltinWebFetcher({ userAgent: 'AgentCraftBot/0.0.0-test', maxBytes: 1024 * 1024, timeoutMs: 5000, ratePerHost: 1000, cacheTtlSeconds: 0, logger, maxSitemaps: 5 });
}

const urlset = (...locations: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locations.map((loc) => `<url><loc>${loc}</loc><lastmod>2025-01-01</lastmod></url>`).join('')}</urlset>`;
const sitemapIndex = (...locations: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locations.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('')}</sitemapindex>`;

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('parseSitemap', () => {
  it('reads urlsets, indexes (with namespace prefixes and entities) and text sitemaps', () => {
    expect(parseSitemap(urlset('https://a.test/1', 'https://a.test/2?x=1&amp;y=2'))).toEqual({ kind: 'urlset', locations: ['https://a.test/1', 'https://a.test/2?x=1&y=2'] });
    expect(parseSitemap('<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:sitemap><sm:loc> https://a.test/s.xml </sm:loc></sm:sitemap></sm:sitemapindex>')).toEqual({ kind: 'sitemapindex', locations: ['https://a.test/s.xml'] });
    expect(parseSitemap('https://a.test/1\nnot a url\r\nhttps://a.test/2\n')).toEqual({ kind: 'text', locations: ['https://a.test/1', 'https://a.test/2'] });
    expect(parseSitemap('<html><body>oops</body></html>').kind).toBe('unknown');
    expect(parseSitemap('<urlset></urlset>')).toEqual({ kind: 'urlset', locations: [] });
  });
});

describe('BuiltinWebFetcher.mapSite', () => {
  it('follows robots.txt Sitemap lines, /sitemap.xml and sitemap indexes, allowed hosts only', async () => {
    const server = await serve((origin) => ({
      '/robots.txt': (request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /private\nSitemap: ${origin()}/sitemap-index.xml\nSitemap: https://elsewhere.test/sitemap.xml\n`),
      '/sitemap-index.xml': (request, response) => void response.writeHead(200, { 'content-type': 'application/xml' }).end(sitemapIndex(`${origin()}/sitemaps/a.xml`, `${origin()}/sitemaps/b.xml`, `${origin()}/sitemap-index.xml`, 'https://elsewhere.test/s.xml')),
      '/sitemaps/a.xml': (request, response) => void response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(urlset(`${origin()}/docs/a#frag`, `${origin()}/docs/b`, 'https://elsewhere.test/page')),
      '/sitemaps/b.xml': (request, response) => void response.writeHead(200, { 'content-type': 'application/xml' }).end(urlset(`${origin()}/docs/b`, `${origin()}/docs/c`)),
      '/sitemap.xml': (request, response) => void response.writeHead(200, { 'content-type': 'application/xml' }).end(urlset(`${origin()}/docs/d`)),
    }));
    const urls = await fetcher().mapSite({ url: `${server.origin}/docs/`, allowedHosts: ALLOWED, limit: 100 });
    // Breadth-first: the seeds (the index, /sitemap.xml) before the index's children.
    expect(urls).toEqual([`${server.origin}/docs/d`, `${server.origin}/docs/a`, `${server.origin}/docs/b`, `${server.origin}/docs/c`]);
    expect(server.count('/sitemap-index.xml')).toBe(1);
  });

  it('stops at the limit and at maxSitemaps', async () => {
    const server = await serve((origin) => ({
      // An index that leads to ever more indexes: bounded by maxSitemaps (5).
      ...Object.fromEntries(Array.from({ length: 20 }, (_, n) => [`/index-${n}.xml`, respond('application/xml', sitemapIndex(`${origin()}/index-${n + 1}.xml`))])),
      '/robots.txt': (request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end(`Sitemap: ${origin()}/index-0.xml\n`),
      '/sitemap.xml': (request, response) => void response.writeHead(200, { 'content-type': 'application/xml' }).end(urlset(...Array.from({ length: 50 }, (_, n) => `${origin()}/p/${n}`))),
    }));
    const limited = await fetcher().mapSite({ url: server.origin, allowedHosts: ALLOWED, limit: 3 });
    expect(limited).toEqual([`${server.origin}/p/0`, `${server.origin}/p/1`, `${server.origin}/p/2`]);
    expect(server.requests.filter((path) => path.startsWith('/index-')).length).toBeLessThanOrEqual(5);
  });

  it('returns nothing for a site without sitemaps, skips wrong content, and fails retryably on 5xx', async () => {
    const empty = await serve(() => ({}));
    expect(await fetcher().mapSite({ url: empty.origin, allowedHosts: ALLOWED, limit: 10 })).toEqual([]);
    const html = await serve(() => ({ '/sitemap.xml': respond('text/html', '<html>not a sitemap</html>') }));
    expect(await fetcher().mapSite({ url: html.origin, allowedHosts: ALLOWED, limit: 10 })).toEqual([]);
    const down = await serve(() => ({ '/sitemap.xml': (request, response) => void response.writeHead(502).end() }));
    await expect(fetcher().mapSite({ url: down.origin, allowedHosts: ALLOWED, limit: 10 })).rejects.toMatchObject({ type: WebFetchErrorType.httpError, retryable: true });
  });
});
