import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { BuiltinWebFetcher, type BuiltinWebFetcherOptions } from './builtin-web-fetcher.js';
import { eventually, redirect, respond, startTestWebServer, type Route, type TestWebServer } from './web-test-server.js';
import { WebFetchErrorType } from './web-fetcher.js';

const logger = createLogger({ level: 'silent' });
const ALLOWED = ['127.0.0.1'];
const servers: TestWebServer[] = [];

async function serve(routes: Record<string, Route>): Promise<TestWebServer> {
  const server = await startTestWebServer(routes);
  servers.push(server);
  return server;
}

function fetcher(options: Partial<BuiltinWebFetcherOptions> = {}): BuiltinWebFetcher {
  return new BuiltinWebFetcher({ userAgent: 'AgentCraftBot/0.0.0-test (+https://agentcraft.test/bot)', maxBytes: 1024 * 1024, timeoutMs: 5000, ratePerHost: 1000, cacheTtlSeconds: 0, logger, ...options });
}

/** Writes `totalBytes` of HTML in 64 KiB chunks, respecting back-pressure, until done or the client leaves. */
function streamHuge(totalBytes: number): Route {
  return async (_request, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let written = 0; written < totalBytes && !response.destroyed; written += chunk.length) {
      if (!response.write(chunk)) await drainOrClose(response);
    }
    response.end();
  };
}

function drainOrClose(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('BuiltinWebFetcher limits', () => {
  it('honours robots.txt for our user agent and reads it once per host', async () => {
    const server = await serve({
      '/robots.txt': respond('text/plain', 'User-agent: AgentCraftBot\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n'),
      '/private/page': respond('text/html', '<p>secret</p>'),
      '/public': respond('text/plain', 'hello'),
    });
    const web = fetcher();
    await expect(web.fetchPage({ url: `${server.origin}/private/page`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.robotsDisallowed, retryable: false });
    const page = await web.fetchPage({ url: `${server.origin}/public`, allowedHosts: ALLOWED });
    expect(page.markdown).toBe('hello');
    expect(server.count('/private/page')).toBe(0);
    expect(server.count('/robots.txt')).toBe(1);
    expect(server.userAgents.every((agent) => agent.startsWith('AgentCraftBot/'))).toBe(true);
  });

  it('fails retryably while robots.txt is unreachable (5xx) and refuses to fetch the page', async () => {
    const server = await serve({
      '/robots.txt': (_request, response) => void response.writeHead(503).end(),
      '/page': respond('text/plain', 'hello'),
    });
    await expect(fetcher().fetchPage({ url: `${server.origin}/page`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.httpError, retryable: true, status: 503 });
    expect(server.count('/page')).toBe(0);
  });

  it('detects a redirect loop', async () => {
    const server = await serve({ '/a': redirect('/b'), '/b': redirect('/a') });
    await expect(fetcher().fetchPage({ url: `${server.origin}/a`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.tooManyRedirects, retryable: false });
    expect(server.count('/a')).toBe(1);
    expect(server.count('/b')).toBe(1);
  });

  it('stops after maxRedirects hops', async () => {
    const routes: Record<string, Route> = {};
    for (let hop = 0; hop < 10; hop += 1) routes[`/hop/${hop}`] = redirect(`/hop/${hop + 1}`, hop % 2 === 0 ? 301 : 307);
    const server = await serve(routes);
    await expect(fetcher({ maxRedirects: 3 }).fetchPage({ url: `${server.origin}/hop/0`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.tooManyRedirects });
    expect(server.requests.filter((path) => path.startsWith('/hop/'))).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3']);
  });

  it('refuses a redirect to a host outside the allow list without contacting it', async () => {
    const target = await serve({ '/landing': respond('text/plain', 'should not be read') });
    const server = await serve({ '/start': redirect(`http://localhost:${target.port}/landing`) });
    await expect(fetcher().fetchPage({ url: `${server.origin}/start`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.hostNotAllowed, retryable: false });
    expect(target.requests).toEqual([]);
  });

  it('never contacts a host outside the allow list', async () => {
    const server = await serve({ '/page': respond('text/plain', 'hello') });
    const web = fetcher();
    await expect(web.fetchPage({ url: `http://localhost:${server.port}/page`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.hostNotAllowed });
    await expect(web.fetchPage({ url: `${server.origin}/page`, allowedHosts: [] })).rejects.toMatchObject({ type: WebFetchErrorType.hostNotAllowed });
    await expect(web.fetchPage({ url: `${server.origin}/page`, allowedHosts: ['*.127.0.0.1', 'example.com'] })).rejects.toMatchObject({ type: WebFetchErrorType.hostNotAllowed });
    await expect(web.fetchPage({ url: 'file:///etc/passwd', allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.invalidUrl });
    await expect(web.mapSite({ url: `http://localhost:${server.port}/`, allowedHosts: ALLOWED, limit: 10 })).rejects.toMatchObject({ type: WebFetchErrorType.hostNotAllowed });
    expect(server.requests).toEqual([]);
  });

  it('aborts a 50 MB page at the size limit and closes the connection early', async () => {
    const total = 50 * 1024 * 1024;
    const server = await serve({ '/huge': streamHuge(total) });
    await expect(fetcher({ maxBytes: 1024 * 1024 }).fetchPage({ url: `${server.origin}/huge`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.tooLarge, retryable: false });
    await eventually(() => server.ends.some((end) => end.path === '/huge'));
    const end = server.ends.find((candidate) => candidate.path === '/huge');
    expect(end?.finished).toBe(false);
    expect(end?.bytesWritten).toBeLessThan(total / 2);
    if (process.env.WEB_TEST_REPORT) process.stderr.write(`huge page: server wrote ${end?.bytesWritten} of ${total} bytes\n`);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const server = await serve({ '/declared': respond('text/html', Buffer.alloc(2 * 1024 * 1024, 'b')) });
    await expect(fetcher({ maxBytes: 1024 * 1024 }).fetchPage({ url: `${server.origin}/declared`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.tooLarge });
  });

  it('cuts off a slow drip response at the total deadline', async () => {
    const server = await serve({
      '/drip': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => response.write('<p>.</p>'), 20);
        response.on('close', () => clearInterval(timer));
      },
    });
    await expect(fetcher({ timeoutMs: 300 }).fetchPage({ url: `${server.origin}/drip`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.timeout, retryable: true });
    await eventually(() => server.ends.some((end) => end.path === '/drip'));
    expect(server.ends.find((end) => end.path === '/drip')?.finished).toBe(false);
  });

  it('stops at once with the caller\'s reason when the caller aborts (activity cancellation)', async () => {
    const server = await serve({ '/hang': () => undefined });
    const controller = new AbortController();
    const pending = fetcher().fetchPage({ url: `${server.origin}/hang`, allowedHosts: ALLOWED, abortSignal: controller.signal });
    await eventually(() => server.count('/hang') === 1);
    controller.abort(new Error('activity cancelled'));
    await expect(pending).rejects.toThrow('activity cancelled');
  });

  it('rejects PDF, images and octet-stream as unsupported content', async () => {
    const server = await serve({
      '/doc.pdf': respond('application/pdf', '%PDF-1.7 ...'),
      '/blob': respond('application/octet-stream', Buffer.from([0, 1, 2, 3])),
      '/image.png': respond('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])),
      '/feed.xml': respond('application/xml', '<rss/>'),
    });
    for (const path of ['/doc.pdf', '/blob', '/image.png', '/feed.xml']) {
      await expect(fetcher().fetchPage({ url: `${server.origin}${path}`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.unsupportedContent, retryable: false });
    }
  });

  it('maps HTTP statuses to retryable or not', async () => {
    const server = await serve({
      '/gone': (_request, response) => void response.writeHead(410).end(),
      '/busy': (_request, response) => void response.writeHead(429).end(),
      '/broken': (_request, response) => void response.writeHead(500).end(),
    });
    const web = fetcher();
    await expect(web.fetchPage({ url: `${server.origin}/gone`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.httpError, retryable: false, status: 410 });
    await expect(web.fetchPage({ url: `${server.origin}/busy`, allowedHosts: ALLOWED })).rejects.toMatchObject({ retryable: true, status: 429 });
    await expect(web.fetchPage({ url: `${server.origin}/broken`, allowedHosts: ALLOWED })).rejects.toMatchObject({ retryable: true, status: 500 });
  });

  it('reports a refused connection as a retryable network error', async () => {
    const server = await serve({});
    const origin = server.origin;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await expect(fetcher().fetchPage({ url: `${origin}/page`, allowedHosts: ALLOWED })).rejects.toMatchObject({ type: WebFetchErrorType.network, retryable: true });
  });
});
