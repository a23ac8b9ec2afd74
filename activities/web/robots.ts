/**
 * robots.txt (RFC 9309) for the built-in fetcher, parsed by `robots-parser` and cached per origin with a
 * TTL (one fetch shared by concurrent callers). A missing robots.txt (any 4xx) allows everything; one that is
 * unreachable (429, 5xx, network, timeout) fails the fetch as retryable, as the RFC asks ("assume complete
 * disallow" until it can be read). Only the first 500 KiB are parsed.
 */
import { LRUCache } from 'lru-cache';
import robotsParserModule from 'robots-parser';
import { limitedGet } from './limited-http.js';
import { WebFetchError, WebFetchErrorType } from './web-fetcher.js';

// The package is CommonJS (`module.exports = fn`) but its types declare `export default`: in Node ESM the
// default import is the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robot = ReturnType<typeof robotsParser>;

const ROBOTS_MAX_BYTES = 500 * 1024;
const ROBOTS_MAX_REDIRECTS = 5;
/** Failures that mean "no usable robots.txt" rather than "unreachable": treat as allow-all. */
const UNAVAILABLE_TYPES = new Set<string>([WebFetchErrorType.hostNotAllowed, WebFetchErrorType.tooManyRedirects, WebFetchErrorType.unsupportedContent]);

export interface RobotsContext {
  allowedHosts: readonly string[];
  signal: AbortSignal;
  /** Waits for the host's rate limit before each request. */
  beforeRequest: (url: URL) => Promise<void>;
}

export interface RobotsCacheOptions {
  userAgent: string;
  ttlMs: number;
  maxOrigins?: number;
}

export class RobotsCache {
  private readonly cache: LRUCache<string, Promise<Robot>>;

  constructor(private readonly options: RobotsCacheOptions) {
    this.cache = new LRUCache({ max: options.maxOrigins ?? 1000, ttl: Math.max(1, options.ttlMs) });
  }

  /** Throws `WebRobotsDisallowed` when robots.txt of the URL's origin disallows our user agent. */
  async assertAllowed(url: URL, context: RobotsContext): Promise<void> {
    const robot = await this.rulesFor(url, context);
    if (robot.isAllowed(url.href, this.options.userAgent) === false) {
      throw new WebFetchError(WebFetchErrorType.robotsDisallowed, `robots.txt of ${url.host} disallows ${url.pathname}`, false);
    }
  }

  /** The `Sitemap:` URLs robots.txt lists for the URL's origin. */
  async sitemaps(url: URL, context: RobotsContext): Promise<string[]> {
    return (await this.rulesFor(url, context)).getSitemaps();
  }

  private rulesFor(url: URL, context: RobotsContext): Promise<Robot> {
    const robotsUrl = new URL('/robots.txt', url.origin);
    const key = robotsUrl.href;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const loading = this.load(robotsUrl, context);
    this.cache.set(key, loading);
    // A failure is not remembered: the next call tries again.
    loading.catch(() => this.cache.delete(key));
    return loading;
  }

  private async load(robotsUrl: URL, context: RobotsContext): Promise<Robot> {
    try {
      const response = await limitedGet({
        url: robotsUrl,
        allowedHosts: context.allowedHosts,
        userAgent: this.options.userAgent,
        accept: 'text/plain, */*;q=0.1',
        maxBytes: ROBOTS_MAX_BYTES,
        maxRedirects: ROBOTS_MAX_REDIRECTS,
        signal: context.signal,
        beforeRequest: context.beforeRequest,
        truncate: true,
      });
      if (response.status === 429 || response.status >= 500) {
        throw new WebFetchError(WebFetchErrorType.httpError, `robots.txt of ${robotsUrl.host} unreachable (HTTP ${response.status})`, true, response.status);
      }
      const text = response.status >= 200 && response.status < 300 ? new TextDecoder().decode(response.body) : '';
      return robotsParser(robotsUrl.href, text);
    } catch (error) {
      if (error instanceof WebFetchError && UNAVAILABLE_TYPES.has(error.type)) return robotsParser(robotsUrl.href, '');
      throw error;
    }
  }
}
