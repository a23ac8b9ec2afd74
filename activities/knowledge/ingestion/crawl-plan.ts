/**
 * What a web source crawls: its start URL, limits (depth, pages), hosts and path rules — read from the
 * source's stored settings — and the rules applied to every URL found (sitemap entries, page links).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isHostAllowed } from '../../web/allowed-hosts.js';
import type { KnowledgeSourceRecord } from '../sources/knowledge-source-store.js';

export interface CrawlPlan {
  startUrl: string;
  useSitemap: boolean;
  maxDepth: number;
  maxPages: number;
  includePaths: string[];
  excludePaths: string[];
  /** The start URL's host plus the source's allowed hosts. */
  allowedHosts: string[];
}

const websiteSettings = z.object({
  startUrl: z.string(),
  useSitemap: z.boolean().default(true),
  maxDepth: z.number().int().min(0).default(2),
  maxPages: z.number().int().min(1).default(200),
  includePaths: z.array(z.string()).default([]),
  excludePaths: z.array(z.string()).default([]),
  allowedHosts: z.array(z.string()).default([]),
});
const urlSettings = z.object({ url: z.string() });

/** The crawl plan of a `website` or `url` source (a single URL: depth 0, one page, no sitemap). */
export function crawlPlanOf(source: Pick<KnowledgeSourceRecord, 'kind' | 'settings'>): CrawlPlan {
  if (source.kind === 'url') {
    const { url } = urlSettings.parse(source.settings);
    return { startUrl: url, useSitemap: false, maxDepth: 0, maxPages: 1, includePaths: [], excludePaths: [], allowedHosts: [new URL(url).hostname] };
  }
  if (source.kind !== 'website') throw new Error(`A ${source.kind} source has no crawl plan`);
  const settings = websiteSettings.parse(source.settings);
  const hosts = new Set([new URL(settings.startUrl).hostname.toLowerCase(), ...settings.allowedHosts.map((host) => host.toLowerCase())]);
  return { ...settings, allowedHosts: [...hosts] };
}

/**
 * The canonical form of a crawled URL (null when not http(s)): fragment dropped, host lower-cased, default
 * port dropped, query kept (it may select content), a trailing `index.html` kept as is.
 */
export function normalizeUrl(raw: string, base?: string): string | null {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.toString();
}

/** The contract's rule: the path starts with the prefix. */
function pathMatches(pathname: string, prefix: string): boolean {
  return pathname.startsWith(prefix);
}

/** Whether the crawl may visit `url`: an allowed host and the include/exclude path rules. */
export function isInScope(url: string, plan: Pick<CrawlPlan, 'allowedHosts' | 'includePaths' | 'excludePaths'>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (!isHostAllowed(parsed.hostname, plan.allowedHosts)) return false;
  if (plan.excludePaths.some((prefix) => pathMatches(parsed.pathname, prefix))) return false;
  return plan.includePaths.length === 0 || plan.includePaths.some((prefix) => pathMatches(parsed.pathname, prefix));
}

/** Normalised, in-scope, deduplicated URLs, at most `limit`. */
export function scopedUrls(urls: readonly string[], plan: CrawlPlan, limit: number): string[] {
  const kept = new Set<string>();
  for (const raw of urls) {
    if (kept.size >= limit) break;
    const url = normalizeUrl(raw);
    if (url !== null && isInScope(url, plan)) kept.add(url);
  }
  return [...kept];
}

/** The id of the document a source holds for a URL: stable across syncs, distinct per source. */
export function webDocumentId(sourceId: string, url: string): string {
  return `doc_${createHash('sha256').update(`${sourceId}\n${url}`).digest('hex').slice(0, 32)}`;
}
