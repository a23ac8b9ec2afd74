/**
 * The built-in fetcher's response cache, keyed by URL (without fragment), with a TTL: in-process (an LRU
 * bounded by entries and size) or Redis (shared by every worker; one JSON string per page under a key
 * prefix, `EX` TTL). A cache failure never fails a fetch: it is logged and treated as a miss.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { WebPage } from './web-fetcher.js';

export interface PageCache {
  readonly kind: 'memory' | 'redis';
  get(url: string): Promise<WebPage | undefined>;
  set(url: string, page: WebPage, ttlSeconds: number): Promise<void>;
}

/** In-process cache: at most `maxEntries` pages and `maxSizeBytes` of Markdown (roughly). */
export class InMemoryPageCache implements PageCache {
  readonly kind = 'memory';
  private readonly pages: LRUCache<string, WebPage>;

  constructor(options: { maxEntries?: number; maxSizeBytes?: number } = {}) {
    this.pages = new LRUCache<string, WebPage>({
      max: options.maxEntries ?? 500,
      maxSize: options.maxSizeBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (page) => Math.max(1, page.markdown.length * 2 + page.links.join('').length * 2),
    });
  }

  get(url: string): Promise<WebPage | undefined> {
    return Promise.resolve(this.pages.get(url));
  }

  set(url: string, page: WebPage, ttlSeconds: number): Promise<void> {
    this.pages.set(url, page, { ttl: ttlSeconds * 1000 });
    return Promise.resolve();
  }
}

const cachedPageSchema = z.object({
  requestedUrl: z.string(),
  url: z.string(),
  status: z.number(),
  contentType: z.string(),
  title: z.string(),
  markdown: z.string(),
  links: z.array(z.string()),
  fetchedAt: z.string(),
  lastModified: z.string().nullable(),
  untrusted: z.literal(true),
  cached: z.boolean(),
});

/** Redis cache under `<keyPrefix><sha256(url)>`; the caller owns (and closes) the client. */
export class RedisPageCache implements PageCache {
  readonly kind = 'redis';

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly keyPrefix = 'agentcraft:web:page:',
  ) {}

  /** The Redis key of a URL (exposed for tests and operators). */
  keyOf(url: string): string {
    return `${this.keyPrefix}${createHash('sha256').update(url).digest('hex')}`;
  }

  async get(url: string): Promise<WebPage | undefined> {
    try {
      const raw = await this.redis.get(this.keyOf(url));
      if (raw === null) return undefined;
      const parsed = cachedPageSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch (error) {
      this.logger.warn({ err: error, url }, 'web page cache read failed; fetching instead');
      return undefined;
    }
  }

  async set(url: string, page: WebPage, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(this.keyOf(url), JSON.stringify(page), 'EX', Math.max(1, Math.round(ttlSeconds)));
    } catch (error) {
      this.logger.warn({ err: error, url }, 'web page cache write failed');
    }
  }
}
