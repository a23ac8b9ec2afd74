/**
 * The built-in `WebFetcher` (no service needed): allow-listed hosts only (start URL and every redirect hop),
 * robots.txt honoured, a per-host rate limit, a size limit enforced while streaming, one total deadline per
 * call, bounded redirects, HTML → readable Markdown, and a response cache with a TTL. Text and Markdown pass
 * through; XML is read only as a sitemap; anything else is refused as `WebUnsupportedContent`.
 */
import type { Logger } from 'pino';
import { assertUrlAllowed, isUrlAllowed } from './allowed-hosts.js';
import { decodeText, mediaType } from './charset.js';
import { httpStatusError, startDeadline, type Deadline } from './deadline.js';
import { HostRateLimiter } from './host-rate-limiter.js';
import { htmlToReadable, linksInText, markdownTitle } from './html-to-markdown.js';
import { limitedGet, type LimitedResponse } from './limited-http.js';
import { InMemoryPageCache, type PageCache } from './page-cache.js';
import { RobotsCache, type RobotsContext } from './robots.js';
import { collectSitemapUrls } from './sitemap.js';
import { WebFetchError, WebFetchErrorType, type WebFetcher, type WebFetchRequest, type WebPage } from './web-fetcher.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const TEXT_TYPES = new Set(['text/plain', 'text/markdown', 'text/x-markdown']);
const SITEMAP_TYPES = new Set(['application/xml', 'text/xml', 'text/plain']);

export interface BuiltinWebFetcherOptions {
  userAgent: string;
  /** Largest response body read, in bytes (decompressed). */
  maxBytes: number;
  /** Total time for one page (robots.txt, rate-limit wait, redirects and the whole body included). */
  timeoutMs: number;
  /** Requests per second to any one host. */
  ratePerHost: number;
  /** Cache TTL of fetched pages; `0` turns the cache off. */
  cacheTtlSeconds: number;
  logger: Logger;
  /** Default: in-process LRU. */
  cache?: PageCache;
  maxRedirects?: number;
  /** How long a robots.txt is trusted (default one hour). */
  robotsTtlMs?: number;
  /** Sitemap documents `mapSite` reads at most, indexes included (default 25). */
  maxSitemaps?: number;
  /** Called when a request waits for its host's rate limit. */
  onRateLimitDelay?: (host: string) => void;
}

export class BuiltinWebFetcher implements WebFetcher {
  readonly kind = 'builtin';
  private readonly cache: PageCache;
  private readonly robots: RobotsCache;
  private readonly rateLimiter: HostRateLimiter;

  constructor(private readonly options: BuiltinWebFetcherOptions) {
    this.cache = options.cache ?? new InMemoryPageCache();
    this.robots = new RobotsCache({ userAgent: options.userAgent, ttlMs: options.robotsTtlMs ?? 3_600_000 });
    this.rateLimiter = new HostRateLimiter({ ratePerSecond: options.ratePerHost, ...(options.onRateLimitDelay ? { onDelay: options.onRateLimitDelay } : {}) });
  }

  async fetchPage(request: WebFetchRequest): Promise<WebPage> {
    const url = assertUrlAllowed(request.url, request.allowedHosts);
    const hit = this.options.cacheTtlSeconds > 0 && request.maxAgeSeconds !== 0 ? await this.cache.get(url.href) : undefined;
    if (hit !== undefined && isUrlAllowed(hit.url, request.allowedHosts) && isFreshEnough(hit.fetchedAt, request.maxAgeSeconds)) {
      this.options.logger.debug({ url: url.href }, 'web page served from cache');
      return { ...hit, requestedUrl: request.url, cached: true };
    }
    const response = await this.withDeadline(request, `Fetching ${url.href}`, (deadline) =>
      limitedGet({
        ...this.requestBase(url, request.allowedHosts, deadline),
        accept: 'text/html, application/xhtml+xml, text/markdown;q=0.9, text/plain;q=0.8',
        checkContentType: refuseUnlessPage,
      }),
    );
    if (response.status < 200 || response.status > 299) throw httpStatusError(response.status, response.url);
    const page = toWebPage(request.url, response);
    if (this.options.cacheTtlSeconds > 0) await this.cache.set(url.href, page, this.options.cacheTtlSeconds);
    this.options.logger.debug({ url: url.href, finalUrl: page.url, bytes: response.body.byteLength }, 'web page fetched');
    return page;
  }

  async mapSite(request: WebFetchRequest & { limit: number }): Promise<string[]> {
    const start = assertUrlAllowed(request.url, request.allowedHosts);
    const listed = await this.withDeadline(request, `Reading robots.txt of ${start.host}`, (deadline) =>
      this.robots.sitemaps(start, this.robotsContext(request.allowedHosts, deadline)),
    );
    return collectSitemapUrls({
      seeds: [...listed, new URL('/sitemap.xml', start.origin).href],
      allowedHosts: request.allowedHosts,
      limit: Math.max(0, request.limit),
      maxSitemaps: this.options.maxSitemaps ?? 25,
      load: (sitemapUrl) => this.loadSitemap(sitemapUrl, request),
    });
  }

  /** One sitemap's text; `undefined` when it is missing or refused for good (a retryable failure throws). */
  private async loadSitemap(sitemapUrl: string, request: WebFetchRequest): Promise<string | undefined> {
    try {
      const url = assertUrlAllowed(sitemapUrl, request.allowedHosts);
      const response = await this.withDeadline(request, `Reading sitemap ${sitemapUrl}`, (deadline) =>
        limitedGet({ ...this.requestBase(url, request.allowedHosts, deadline), accept: 'application/xml, text/xml, text/plain;q=0.5', checkContentType: refuseUnlessSitemap }),
      );
      if (response.status < 200 || response.status > 299) throw httpStatusError(response.status, response.url);
      return decodeText(response.body, response.headers.get('content-type') ?? '', false);
    } catch (error) {
      if (error instanceof WebFetchError && !error.retryable) {
        this.options.logger.debug({ url: sitemapUrl, type: error.type }, 'sitemap skipped');
        return undefined;
      }
      throw error;
    }
  }

  private requestBase(url: URL, allowedHosts: readonly string[], deadline: Deadline) {
    const context = this.robotsContext(allowedHosts, deadline);
    return {
      url,
      allowedHosts,
      userAgent: this.options.userAgent,
      maxBytes: this.options.maxBytes,
      maxRedirects: this.options.maxRedirects ?? 5,
      signal: deadline.signal,
      beforeRequest: async (hop: URL) => {
        await this.robots.assertAllowed(hop, context);
        await context.beforeRequest(hop);
      },
    };
  }

  private robotsContext(allowedHosts: readonly string[], deadline: Deadline): RobotsContext {
    return { allowedHosts, signal: deadline.signal, beforeRequest: (hop) => this.rateLimiter.acquire(hop.host, deadline.signal) };
  }

  private async withDeadline<T>(request: WebFetchRequest, what: string, run: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = startDeadline(this.options.timeoutMs, request.abortSignal);
    try {
      return await run(deadline);
    } catch (error) {
      throw deadline.failure(error, what);
    } finally {
      deadline.dispose();
    }
  }
}

function refuseUnlessPage(contentType: string, url: URL): void {
  const type = mediaType(contentType);
  if (!HTML_TYPES.has(type) && !TEXT_TYPES.has(type)) throw unsupported(type, url);
}

function refuseUnlessSitemap(contentType: string, url: URL): void {
  const type = mediaType(contentType);
  if (!SITEMAP_TYPES.has(type) && !type.endsWith('+xml')) throw unsupported(type, url);
}

function unsupported(type: string, url: URL): WebFetchError {
  return new WebFetchError(WebFetchErrorType.unsupportedContent, `Content type "${type || 'none'}" of ${url.href} is not supported`, false);
}

function toWebPage(requestedUrl: string, response: LimitedResponse): WebPage {
  const contentType = response.headers.get('content-type') ?? '';
  const isHtml = HTML_TYPES.has(mediaType(contentType));
  const text = decodeText(response.body, contentType, isHtml);
  const readable = isHtml
    ? htmlToReadable(text, response.url.href)
    : { title: markdownTitle(text), markdown: text.trim(), links: linksInText(text, response.url.href) };
  const lastModified = Date.parse(response.headers.get('last-modified') ?? '');
  return {
    requestedUrl,
    url: response.url.href,
    status: response.status,
    contentType: mediaType(contentType),
    title: readable.title,
    markdown: readable.markdown,
    links: readable.links,
    fetchedAt: new Date().toISOString(),
    lastModified: Number.isNaN(lastModified) ? null : new Date(lastModified).toISOString(),
    untrusted: true,
    cached: false,
  };
}

/** Whether a cached page fetched at `fetchedAt` satisfies the request's `maxAgeSeconds` (none: any cached page). */
function isFreshEnough(fetchedAt: string, maxAgeSeconds: number | undefined): boolean {
  if (maxAgeSeconds === undefined) return true;
  return Date.now() - Date.parse(fetchedAt) <= maxAgeSeconds * 1000;
}
