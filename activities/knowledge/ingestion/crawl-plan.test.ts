import { describe, expect, it } from 'vitest';
import { crawlPlanOf, isInScope, normalizeUrl, scopedUrls, webDocumentId } from './crawl-plan.js';

const plan = crawlPlanOf({ kind: 'website', settings: { startUrl: 'https://docs.example.com/guide/', includePaths: ['/guide'], excludePaths: ['/guide/old'], allowedHosts: ['*.cdn.example.com'] } });

describe('crawl plan', () => {
  it('reads a website source with defaults and always allows the start host', () => {
    expect(plan).toMatchObject({ useSitemap: true, maxDepth: 2, maxPages: 200, allowedHosts: ['docs.example.com', '*.cdn.example.com'] });
    expect(crawlPlanOf({ kind: 'url', settings: { url: 'https://example.com/a' } })).toMatchObject({ maxDepth: 0, maxPages: 1, useSitemap: false, allowedHosts: ['example.com'] });
    expect(() => crawlPlanOf({ kind: 'upload', settings: {} })).toThrow(/no crawl plan/);
  });

  it('keeps in-scope http(s) URLs only: hosts, include and exclude paths', () => {
    expect(isInScope('https://docs.example.com/guide/a', plan)).toBe(true);
    expect(isInScope('https://docs.example.com/blog/a', plan)).toBe(false);
    expect(isInScope('https://docs.example.com/guide/old/a', plan)).toBe(false);
    expect(isInScope('https://img.cdn.example.com/guide/x', plan)).toBe(true);
    expect(isInScope('https://evil.example.org/guide/x', plan)).toBe(false);
    expect(isInScope('mailto:someone@example.com', plan)).toBe(false);
  });

  it('normalises, deduplicates and caps URLs; document ids are stable per source and URL', () => {
    expect(normalizeUrl('HTTPS://Docs.Example.com:443/guide/a#part')).toBe('https://docs.example.com/guide/a');
    expect(normalizeUrl('javascript:alert(1)')).toBeNull();
    expect(scopedUrls(['https://docs.example.com/guide/a#x', 'https://docs.example.com/guide/a', 'https://docs.example.com/guide/b', 'https://docs.example.com/guide/c'], plan, 2)).toEqual([
      'https://docs.example.com/guide/a',
      'https://docs.example.com/guide/b',
    ]);
    expect(webDocumentId('src_1', 'https://a.test/')).toBe(webDocumentId('src_1', 'https://a.test/'));
    expect(webDocumentId('src_1', 'https://a.test/')).not.toBe(webDocumentId('src_2', 'https://a.test/'));
  });
});
