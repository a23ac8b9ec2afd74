/**
 * Sitemaps (sitemaps.org): `<urlset>` pages and `<sitemapindex>` indexes parsed with `fast-xml-parser`
 * (no entity expansion beyond XML's five, no DTDs), plus the plain-text format (one URL a line). Indexes are
 * followed breadth-first, bounded by a number of sitemap documents; only allow-listed URLs are kept.
 */
import { XMLParser } from 'fast-xml-parser';
import { isUrlAllowed } from './allowed-hosts.js';

export interface ParsedSitemap {
  kind: 'urlset' | 'sitemapindex' | 'text' | 'unknown';
  /** Page URLs (urlset, text) or child sitemap URLs (sitemapindex), in document order. */
  locations: string[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

const locationSchemaKeys = { urlset: 'url', sitemapindex: 'sitemap' } as const;

/** Parses one sitemap document (XML or plain text). Never throws: unreadable input is `unknown`. */
export function parseSitemap(text: string): ParsedSitemap {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('<')) {
    const locations = trimmed.split(/\r?\n/).map((line) => line.trim()).filter((line) => /^https?:\/\//i.test(line));
    return { kind: 'text', locations };
  }
  let document: Record<string, unknown>;
  try {
    document = parser.parse(trimmed) as Record<string, unknown>;
  } catch {
    return { kind: 'unknown', locations: [] };
  }
  for (const kind of ['urlset', 'sitemapindex'] as const) {
    const root = document[kind];
    if (root === undefined) continue;
    const entries = typeof root === 'object' && root !== null ? (root as Record<string, unknown>)[locationSchemaKeys[kind]] : undefined;
    const locations = (Array.isArray(entries) ? entries : [])
      .map((entry) => (entry as { loc?: unknown } | undefined)?.loc)
      .filter((loc): loc is string => typeof loc === 'string')
      .map((loc) => loc.trim())
      .filter((loc) => loc !== '');
    return { kind, locations };
  }
  return { kind: 'unknown', locations: [] };
}

export interface CollectSitemapOptions {
  /** Sitemap URLs to start from (robots.txt `Sitemap:` lines, `/sitemap.xml`). */
  seeds: string[];
  allowedHosts: readonly string[];
  limit: number;
  /** Sitemap documents read at most (indexes included). */
  maxSitemaps: number;
  /** Reads one sitemap; `undefined` when it cannot be read (404, wrong type, …). */
  load: (url: string) => Promise<string | undefined>;
}

/** Page URLs listed by the seeds and the indexes they lead to: allowed hosts only, deduplicated, at most `limit`. */
export async function collectSitemapUrls(options: CollectSitemapOptions): Promise<string[]> {
  const queue = [...new Set(options.seeds.filter((seed) => isUrlAllowed(seed, options.allowedHosts)))];
  const seen = new Set(queue);
  const pages = new Set<string>();
  for (let read = 0; read < options.maxSitemaps && queue.length > 0 && pages.size < options.limit; read += 1) {
    const sitemapUrl = queue.shift() as string;
    const text = await options.load(sitemapUrl);
    if (text === undefined) continue;
    const sitemap = parseSitemap(text);
    for (const location of sitemap.locations) {
      if (!isUrlAllowed(location, options.allowedHosts)) continue;
      const url = withoutFragment(location);
      if (sitemap.kind === 'sitemapindex') {
        if (!seen.has(url)) queue.push(url);
        seen.add(url);
      } else if (pages.size < options.limit) {
        pages.add(url);
      }
    }
  }
  return [...pages];
}

function withoutFragment(raw: string): string {
  const url = new URL(raw);
  url.hash = '';
  return url.href;
}
