import { afterEach, describe, expect, it } from 'vitest';
import { loadConfiguration } from '../../domain/config.js';
import { createLogger } from '../../domain/logger.js';
import { createWebFetcher } from './create-web-fetcher.js';
import { defaultUserAgent } from './user-agent.js';
import { respond, startTestWebServer, type TestWebServer } from './web-test-server.js';

const logger = createLogger({ level: 'silent' });
let server: TestWebServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('web settings and createWebFetcher', () => {
  it('reads the web settings with their defaults', () => {
    expect(loadConfiguration({}).web).toEqual({
      allowedHosts: [],
      userAgent: undefined,
      maxBytes: 5 * 1024 * 1024,
      timeoutMs: 15_000,
      ratePerHost: 1,
      cacheTtlSeconds: 3600,
      firecrawl: { apiKey: undefined, apiUrl: undefined },
    });
    const custom = loadConfiguration({ AGENTCRAFT_WEB_ALLOWED_HOSTS: ' Docs.Acme.test , *.help.acme.test,,', AGENTCRAFT_WEB_RATE_PER_HOST: '0.5', AGENTCRAFT_WEB_MAX_BYTES: '2048' }).web;
    expect(custom).toMatchObject({ allowedHosts: ['docs.acme.test', '*.help.acme.test'], ratePerHost: 0.5, maxBytes: 2048 });
    expect(() => loadConfiguration({ AGENTCRAFT_WEB_RATE_PER_HOST: '0' })).toThrow(/AGENTCRAFT_WEB_RATE_PER_HOST/);
  });

  it('picks Firecrawl when a key or a self-hosted URL is set, else the built-in fetcher', () => {
    expect(createWebFetcher(loadConfiguration({}), { logger }).kind).toBe('builtin');
    expect(createWebFetcher(loadConfiguration({ FIRECRAWL_API_KEY: 'fc-x' }), { logger }).kind).toBe('firecrawl');
    expect(createWebFetcher(loadConfiguration({ FIRECRAWL_API_URL: 'http://127.0.0.1:3002' }), { logger }).kind).toBe('firecrawl');
    expect(createWebFetcher(loadConfiguration({ FIRECRAWL_API_KEY: '  ' }), { logger }).kind).toBe('builtin');
  });

  it('identifies itself as AgentCraftBot/<version>, or with the configured user agent', async () => {
    expect(defaultUserAgent()).toMatch(/^AgentCraftBot\/\d+\.\d+\.\d+\S*$/);
    server = await startTestWebServer({ '/a': respond('text/plain', 'a'), '/b': respond('text/plain', 'b') });
    await createWebFetcher(loadConfiguration({ AGENTCRAFT_WEB_RATE_PER_HOST: '1000' }), { logger }).fetchPage({ url: `${server.origin}/a`, allowedHosts: ['127.0.0.1'] });
    await createWebFetcher(loadConfiguration({ AGENTCRAFT_WEB_RATE_PER_HOST: '1000', AGENTCRAFT_WEB_USER_AGENT: 'AcmeDocsBot/2.0 (+https://acme.test/bot)' }), { logger }).fetchPage({ url: `${server.origin}/b`, allowedHosts: ['127.0.0.1'] });
    const agents = server.requests.map((path, index) => [path, server?.userAgents[index]]);
    expect(agents).toContainEqual(['/a', defaultUserAgent()]);
    expect(agents).toContainEqual(['/b', 'AcmeDocsBot/2.0 (+https://acme.test/bot)']);
  });
});
