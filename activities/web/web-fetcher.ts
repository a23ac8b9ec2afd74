/**
 * The `WebFetcher` port: reads one web page (or a site's URL list) as readable Markdown. Adapters: the
 * built-in fetcher (allow-listed hosts, robots.txt, per-host rate limit, size/time/redirect limits, cache)
 * and Firecrawl (`FIRECRAWL_API_KEY` or a self-hosted `FIRECRAWL_API_URL`). Fetched text is untrusted.
 */

export interface WebFetchRequest {
  url: string;
  /** Hosts that may be fetched (exact host names; `*.example.com` matches subdomains). Empty: nothing may be. */
  allowedHosts: string[];
  /**
   * Accept a cached copy only if fetched at most this many seconds ago (default: the fetcher's cache TTL);
   * `0` always reads the page afresh, as a knowledge sync must to see changes.
   */
  maxAgeSeconds?: number;
  abortSignal?: AbortSignal;
}

export interface WebPage {
  /** The URL asked for, and the one answered after redirects. */
  requestedUrl: string;
  url: string;
  status: number;
  contentType: string;
  title: string;
  /** Readable main content as Markdown (navigation, scripts and boilerplate removed). */
  markdown: string;
  /** Absolute http(s) links found on the page (for crawling), deduplicated, without fragments. */
  links: string[];
  fetchedAt: string;
  /** Last-Modified of the response when given (ISO 8601). */
  lastModified: string | null;
  /** Always true: text from the web is untrusted and QA treats it so. */
  untrusted: true;
  /** Served from the cache rather than the network. */
  cached: boolean;
}

export interface WebSearchHit {
  url: string;
  title: string;
  markdown: string;
}

export interface WebFetcher {
  /** `builtin` or `firecrawl`. */
  readonly kind: string;
  fetchPage(request: WebFetchRequest): Promise<WebPage>;
  /** The URLs a site lists (sitemap.xml for the built-in fetcher, Firecrawl's map endpoint), allowed hosts only. */
  mapSite(request: WebFetchRequest & { limit: number }): Promise<string[]>;
  /** Web search limited to the allowed hosts, where the adapter can search (Firecrawl); absent otherwise. */
  search?(request: { query: string; allowedHosts: string[]; limit: number; abortSignal?: AbortSignal }): Promise<WebSearchHit[]>;
}

/** Why a fetch was refused or failed; `type` doubles as the Temporal failure type. */
export const WebFetchErrorType = {
  hostNotAllowed: 'WebHostNotAllowed',
  robotsDisallowed: 'WebRobotsDisallowed',
  tooLarge: 'WebResponseTooLarge',
  timeout: 'WebFetchTimeout',
  tooManyRedirects: 'WebTooManyRedirects',
  unsupportedContent: 'WebUnsupportedContent',
  httpError: 'WebHttpError',
  network: 'WebNetworkError',
  /** Not an absolute http(s) URL. */
  invalidUrl: 'WebInvalidUrl',
} as const;
export type WebFetchErrorType = (typeof WebFetchErrorType)[keyof typeof WebFetchErrorType];

export class WebFetchError extends Error {
  constructor(
    readonly type: WebFetchErrorType,
    message: string,
    /** Worth retrying later (timeouts, 5xx, 429, network), as opposed to a refusal that will not change. */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebFetchError';
  }
}
