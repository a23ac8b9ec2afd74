/**
 * `WebFetcher` over Firecrawl (`@mendable/firecrawl-js` v4, API v2): hosted (`FIRECRAWL_API_KEY`) or
 * self-hosted (`FIRECRAWL_API_URL`, key optional). `fetchPage` → `POST /v2/scrape` (Markdown of the main
 * content, links), `mapSite` → `POST /v2/map`, `search` → `POST /v2/search` limited to the allowed domains.
 * The allow-list is enforced here, before every call and on every URL Firecrawl returns. The SDK's own retry
 * loop (it retries 502s) is off: Temporal's retry policy owns retries (see `firecrawl-errors.ts`).
 */
import Firecrawl, { type Document, type SearchResultWeb } from '@mendable/firecrawl-js';
import type { Logger } from 'pino';
import { assertUrlAllowed, isUrlAllowed, normalizeHost } from './allowed-hosts.js';
import { httpStatusError } from './deadline.js';
import { toWebFetchError, withAbort } from './firecrawl-errors.js';
import { WebFetchError, WebFetchErrorType, type WebFetcher, type WebFetchRequest, type WebPage, type WebSearchHit } from './web-fetcher.js';

export interface FirecrawlWebFetcherOptions {
  apiKey?: string;
  /** Self-hosted Firecrawl; default the hosted API. */
  apiUrl?: string;
  /** Time Firecrawl may take for one page (sent as its `timeout`; the HTTP call allows a little more). */
  timeoutMs: number;
  /** How old a page Firecrawl may serve from its own cache (`maxAge`); `0` always scrapes afresh. */
  cacheTtlSeconds: number;
  logger: Logger;
}

export class FirecrawlWebFetcher implements WebFetcher {
  readonly kind = 'firecrawl';
  private readonly client: Firecrawl;

  constructor(private readonly options: FirecrawlWebFetcherOptions) {
    // maxRetries counts attempts in this SDK: 1 means a single try, no SDK retries.
    this.client = new Firecrawl({ apiKey: options.apiKey ?? '', apiUrl: options.apiUrl ?? null, timeoutMs: options.timeoutMs + 10_000, maxRetries: 1 });
  }

  async fetchPage(request: WebFetchRequest): Promise<WebPage> {
    const url = assertUrlAllowed(request.url, request.allowedHosts);
    const document = await this.call('scrape', request.abortSignal, () =>
      this.client.scrape(url.href, {
        formats: ['markdown', 'links'],
        onlyMainContent: true,
        timeout: this.options.timeoutMs,
        maxAge: Math.min(this.options.cacheTtlSeconds, request.maxAgeSeconds ?? Number.POSITIVE_INFINITY) * 1000,
        autoResume: false,
      }),
    );
    const finalUrl = document.metadata?.url ?? document.metadata?.sourceURL ?? url.href;
    assertUrlAllowed(finalUrl, request.allowedHosts);
    const status = document.metadata?.statusCode ?? 200;
    if (status < 200 || status > 299) throw httpStatusError(status, new URL(finalUrl));
    return toWebPage(request.url, finalUrl, status, document);
  }

  async mapSite(request: WebFetchRequest & { limit: number }): Promise<string[]> {
    const url = assertUrlAllowed(request.url, request.allowedHosts);
    if (request.limit <= 0) return [];
    const result = await this.call('map', request.abortSignal, () =>
      this.client.map(url.href, { limit: request.limit, sitemap: 'include', includeSubdomains: false, timeout: this.options.timeoutMs }),
    );
    const urls = new Set<string>();
    for (const link of result.links) {
      if (urls.size >= request.limit) break;
      if (typeof link.url === 'string' && isUrlAllowed(link.url, request.allowedHosts)) urls.add(withoutFragment(link.url));
    }
    return [...urls];
  }

  async search(request: { query: string; allowedHosts: string[]; limit: number; abortSignal?: AbortSignal }): Promise<WebSearchHit[]> {
    const domains = [...new Set(request.allowedHosts.map((host) => normalizeHost(host).replace(/^\*\./, '')))];
    if (domains.length === 0 || request.limit <= 0 || request.query.trim() === '') return [];
    const result = await this.call('search', request.abortSignal, () =>
      this.client.search(request.query, {
        limit: request.limit,
        includeDomains: domains,
        sources: ['web'],
        timeout: this.options.timeoutMs,
        scrapeOptions: { formats: ['markdown'], onlyMainContent: true },
      }),
    );
    return (result.web ?? [])
      .map(toSearchHit)
      .filter((hit): hit is WebSearchHit => hit !== undefined && isUrlAllowed(hit.url, request.allowedHosts))
      .slice(0, request.limit);
  }

  private async call<T>(what: string, abortSignal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await withAbort(run(), abortSignal);
    } catch (error) {
      if (abortSignal?.aborted) throw abortSignal.reason;
      const mapped = toWebFetchError(error, `Firecrawl ${what}`);
      this.options.logger.debug({ err: error, type: mapped.type, retryable: mapped.retryable }, 'firecrawl call failed');
      throw mapped;
    }
  }
}

function toWebPage(requestedUrl: string, finalUrl: string, status: number, document: Document): WebPage {
  const metadata = document.metadata ?? {};
  const modified = Date.parse(typeof metadata.modifiedTime === 'string' ? metadata.modifiedTime : '');
  return {
    requestedUrl,
    url: withoutFragment(finalUrl),
    status,
    contentType: (metadata.contentType ?? 'text/html').split(';')[0]?.trim().toLowerCase() ?? 'text/html',
    title: typeof metadata.title === 'string' ? metadata.title : '',
    markdown: (document.markdown ?? '').trim(),
    links: cleanLinks(document.links ?? []),
    fetchedAt: new Date().toISOString(),
    lastModified: Number.isNaN(modified) ? null : new Date(modified).toISOString(),
    untrusted: true,
    cached: metadata.cacheState === 'hit',
  };
}

function toSearchHit(result: SearchResultWeb | Document): WebSearchHit | undefined {
  const document = result as Document & Partial<SearchResultWeb>;
  const url = document.url ?? document.metadata?.url ?? document.metadata?.sourceURL;
  if (typeof url !== 'string') return undefined;
  const title = document.title ?? document.metadata?.title;
  return { url: withoutFragment(url), title: typeof title === 'string' ? title : '', markdown: (document.markdown ?? document.description ?? '').trim() };
}

/** Absolute http(s) links without fragments, deduplicated. */
function cleanLinks(links: string[]): string[] {
  const clean = new Set<string>();
  for (const link of links) {
    try {
      const url = new URL(link);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      clean.add(url.href);
    } catch {
      // Not an absolute URL: skip it.
    }
  }
  return [...clean];
}

function withoutFragment(raw: string): string {
  try {
    const url = new URL(raw);
    url.hash = '';
    return url.href;
  } catch {
    throw new WebFetchError(WebFetchErrorType.invalidUrl, `Firecrawl returned an invalid URL: ${raw.slice(0, 200)}`, false);
  }
}
