/**
 * Picks the `WebFetcher` from the configuration: Firecrawl when `FIRECRAWL_API_KEY` or `FIRECRAWL_API_URL`
 * is set, else the built-in fetcher (its page cache in Redis when a client is given, else in-process).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Configuration } from '../../domain/config.js';
import { BuiltinWebFetcher } from './builtin-web-fetcher.js';
import { FirecrawlWebFetcher } from './firecrawl-web-fetcher.js';
import { InMemoryPageCache, RedisPageCache } from './page-cache.js';
import { defaultUserAgent } from './user-agent.js';
import type { WebFetcher } from './web-fetcher.js';

export type WebConfiguration = Configuration['web'];

export interface WebFetcherDependencies {
  /** Shared Redis client (the caller owns and closes it); the built-in fetcher caches pages there. */
  redis?: Redis;
  logger: Logger;
}

export function createWebFetcher(configuration: { web: WebConfiguration }, dependencies: WebFetcherDependencies): WebFetcher {
  const web = configuration.web;
  const logger = dependencies.logger.child({ component: 'web-fetcher' });
  if (web.firecrawl.apiKey !== undefined || web.firecrawl.apiUrl !== undefined) {
    logger.info({ apiUrl: web.firecrawl.apiUrl ?? 'hosted' }, 'web retrieval through Firecrawl');
    return new FirecrawlWebFetcher({
      ...(web.firecrawl.apiKey === undefined ? {} : { apiKey: web.firecrawl.apiKey }),
      ...(web.firecrawl.apiUrl === undefined ? {} : { apiUrl: web.firecrawl.apiUrl }),
      timeoutMs: web.timeoutMs,
      cacheTtlSeconds: web.cacheTtlSeconds,
      logger,
    });
  }
  const cache = dependencies.redis === undefined ? new InMemoryPageCache() : new RedisPageCache(dependencies.redis, logger);
  logger.info({ cache: cache.kind, allowedHosts: web.allowedHosts.length }, 'web retrieval through the built-in fetcher');
  return new BuiltinWebFetcher({
    userAgent: web.userAgent ?? defaultUserAgent(),
    maxBytes: web.maxBytes,
    timeoutMs: web.timeoutMs,
    ratePerHost: web.ratePerHost,
    cacheTtlSeconds: web.cacheTtlSeconds,
    cache,
    logger,
  });
}
