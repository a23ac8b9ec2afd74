/**
 * Live web retrieval for a turn: current text from allow-listed sites, as untrusted passages. With a fetcher
 * that can search (Firecrawl), the allowed hosts are searched for the question; otherwise the pages behind the
 * best website-sourced knowledge hits are fetched again (the fetcher caches) so the agents see the page as it is
 * now, not as it was at the last sync. Each page is chunked like the knowledge base and its passages most
 * relevant to the question are kept. Passage ids are `<url>#<n>`.
 */
import type { Passage } from '../../domain/types.js';
import { terms } from '../llm/text.js';
import { chunkMarkdown } from '../retrieval/chunker.js';
import { isHostAllowed } from '../web/allowed-hosts.js';
import type { WebFetcher } from '../web/web-fetcher.js';
import { DEFAULT_INDEX_CHUNK_OPTIONS } from './index-document.js';

export interface LiveWebInput {
  query: string;
  /** Hosts that may be read (the configured live hosts, narrowed by the agents' `web:<host>` scopes). */
  allowedHosts: string[];
  /** Pages to re-fetch when the fetcher cannot search: URLs of the best knowledge hits, best first. */
  candidateUrls: string[];
  /** Most passages returned. */
  limit: number;
  abortSignal?: AbortSignal;
}

/** Pages read per turn at most (each is a fetch, cached or not). */
export const MAX_LIVE_PAGES = 3;
/** Passages kept per page at most. */
export const PASSAGES_PER_PAGE = 2;

interface Page {
  url: string;
  title: string;
  markdown: string;
  fetchedAt: string | null;
}

/**
 * Live passages for the question (see the module comment), best first. Pages that fail to load are skipped;
 * when every page fails, the first error is thrown so the trace shows why the source came back empty.
 */
export async function searchLiveWeb(fetcher: WebFetcher, input: LiveWebInput): Promise<Passage[]> {
  if (input.allowedHosts.length === 0 || input.limit <= 0) return [];
  const pages = canSearch(fetcher) ? await searchPages(fetcher, input) : await refetchPages(fetcher, input);
  const queryTerms = new Set(terms(input.query));
  return pages
    .flatMap((page) => passagesOf(page, queryTerms))
    .sort((left, right) => right.score - left.score)
    .slice(0, input.limit);
}

/**
 * Hosts a live web search may read this turn: the agents' `web:<host>` scopes that the configured allow-list
 * permits, or the configured list itself when no scopes were given. (Re-fetching knowledge hits needs no
 * narrowing: the hits were already filtered by the agents' knowledge scopes.)
 */
export function liveHostsFor(configured: readonly string[], scopes: readonly string[] | undefined): string[] {
  if (scopes === undefined) return [...configured];
  const scoped = scopes.filter((scope) => scope.startsWith('web:')).map((scope) => scope.slice('web:'.length));
  return [...new Set(scoped.filter((host) => isHostAllowed(host, configured)))];
}

function canSearch(fetcher: WebFetcher): fetcher is WebFetcher & Required<Pick<WebFetcher, 'search'>> {
  return typeof fetcher.search === 'function';
}

async function searchPages(fetcher: WebFetcher & Required<Pick<WebFetcher, 'search'>>, input: LiveWebInput): Promise<Page[]> {
  const hits = await fetcher.search({
    query: input.query,
    allowedHosts: input.allowedHosts,
    limit: MAX_LIVE_PAGES,
    ...(input.abortSignal === undefined ? {} : { abortSignal: input.abortSignal }),
  });
  // Never trust a vendor to have applied the allow-list.
  return hits.filter((hit) => hostAllowed(hit.url, input.allowedHosts)).map((hit) => ({ url: hit.url, title: hit.title, markdown: hit.markdown, fetchedAt: null }));
}

async function refetchPages(fetcher: WebFetcher, input: LiveWebInput): Promise<Page[]> {
  const urls = [...new Set(input.candidateUrls)].filter((url) => hostAllowed(url, input.allowedHosts)).slice(0, MAX_LIVE_PAGES);
  const settled = await Promise.allSettled(
    urls.map((url) => fetcher.fetchPage({ url, allowedHosts: input.allowedHosts, ...(input.abortSignal === undefined ? {} : { abortSignal: input.abortSignal }) })),
  );
  const pages = settled.flatMap((result) => (result.status === 'fulfilled' ? [{ url: result.value.url, title: result.value.title, markdown: result.value.markdown, fetchedAt: result.value.fetchedAt }] : []));
  const firstFailure = settled.find((result) => result.status === 'rejected');
  if (pages.length === 0 && firstFailure !== undefined) throw firstFailure.reason instanceof Error ? firstFailure.reason : new Error(String(firstFailure.reason));
  return pages;
}

function passagesOf(page: Page, queryTerms: Set<string>): Passage[] {
  return chunkMarkdown(page.markdown, DEFAULT_INDEX_CHUNK_OPTIONS)
    // The text itself must share a term with the question; a matching heading alone says nothing.
    .filter((chunk) => overlap(queryTerms, chunk.text) > 0)
    .map((chunk) => ({ chunk, score: overlap(queryTerms, `${chunk.heading ?? ''} ${chunk.text}`) }))
    .sort((left, right) => right.score - left.score)
    .slice(0, PASSAGES_PER_PAGE)
    .map(({ chunk, score }) => ({
      id: `${page.url}#${chunk.ordinal}`,
      source: 'web',
      documentId: page.url,
      title: chunk.heading === null ? page.title || page.url : `${page.title || page.url} — ${chunk.heading}`,
      url: page.url,
      text: chunk.text,
      score: Number(score.toFixed(3)),
      updatedAt: page.fetchedAt,
      untrusted: true,
    }));
}

function overlap(queryTerms: Set<string>, text: string): number {
  if (queryTerms.size === 0) return 0;
  const textTerms = new Set(terms(text));
  let shared = 0;
  for (const term of queryTerms) if (textTerms.has(term)) shared += 1;
  return shared / queryTerms.size;
}

function hostAllowed(url: string, allowedHosts: readonly string[]): boolean {
  try {
    return isHostAllowed(new URL(url).hostname, allowedHosts);
  } catch {
    return false;
  }
}
