/**
 * HTML → readable Markdown: the page is parsed with `linkedom`, its main content found by Mozilla's
 * `Readability` (navigation, scripts, sidebars and footers dropped) and converted by `turndown` (ATX
 * headings, fenced code, absolute links). Links for crawling are collected from the whole page first.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';

/** The part of linkedom's DOM used here (its own types lean on the DOM lib, which this project does not load). */
interface DomElement {
  readonly textContent: string | null;
  readonly innerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  remove(): void;
}
interface DomDocument {
  readonly body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

function parseDocument(html: string): DomDocument {
  return (parseHTML(html) as unknown as { document: DomDocument }).document;
}

export interface ReadablePage {
  title: string;
  markdown: string;
  /** Absolute http(s) links of the whole page, without fragments, deduplicated, in page order. */
  links: string[];
}

/** Elements that never carry readable content; removed before Readability runs (it keeps them on short pages). */
const BOILERPLATE = [
  'script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas', 'form', 'nav', 'aside', 'dialog',
  'body > header', 'body > footer', '[role="navigation"]', '[role="banner"]', '[role="contentinfo"]', '[aria-hidden="true"]',
].join(', ');

const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
turndown.remove(['script', 'style', 'noscript', 'iframe', 'form']);

/** Converts one HTML page fetched from `pageUrl` (relative links resolve against it or its `<base href>`). */
export function htmlToReadable(html: string, pageUrl: string): ReadablePage {
  const document = parseDocument(html);
  const base = baseUrl(document.querySelector('base[href]')?.getAttribute('href'), pageUrl);
  const links = absolutizeLinks(document, base);
  const fallbackTitle = (document.querySelector('title')?.textContent ?? '').trim();
  const heading = (document.querySelector('h1')?.textContent ?? '').replace(/\s+/g, ' ').trim();
  removeBoilerplate(document);
  // linkedom's document is the DOM shape Readability expects.
  const article = new Readability(document, { charThreshold: 200 }).parse();
  const title = (article?.title ?? '').trim() || fallbackTitle;
  const contentHtml = article?.content ?? fallbackContent(html, base);
  const markdown = tidy(turndown.turndown(contentHtml));
  return { title, markdown: withHeading(markdown, heading), links };
}

/**
 * Readability drops the `<h1>` that repeats the title and turns other `<h1>`s into `<h2>`s; put the page's
 * first `<h1>` back as the Markdown title so heading-aware chunking sees the page's structure.
 */
function withHeading(markdown: string, heading: string): string {
  if (heading === '') return markdown;
  const lines = markdown.split('\n');
  if (lines.some((line) => line.trim() === `# ${heading}`)) return markdown;
  const demoted = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (demoted !== -1 && !lines.slice(0, demoted).some((line) => line.startsWith('#'))) {
    lines[demoted] = `# ${heading}`;
    return lines.join('\n');
  }
  return `# ${heading}\n\n${markdown}`;
}

/** The page's body without boilerplate elements, for pages Readability does not consider an article. */
function fallbackContent(html: string, base: string): string {
  const document = parseDocument(html);
  absolutizeLinks(document, base);
  removeBoilerplate(document);
  return document.querySelector('main')?.innerHTML ?? document.body?.innerHTML ?? '';
}

function removeBoilerplate(document: DomDocument): void {
  for (const element of [...document.querySelectorAll(BOILERPLATE)]) element.remove();
}

/** Rewrites `a[href]` and `img[src]` to absolute URLs; returns the http(s) links without fragments, deduplicated. */
function absolutizeLinks(document: DomDocument, base: string): string[] {
  const links = new Set<string>();
  for (const anchor of document.querySelectorAll('a[href]')) {
    const absolute = resolve(anchor.getAttribute('href') ?? '', base);
    if (absolute === undefined) continue;
    anchor.setAttribute('href', absolute.href);
    if (absolute.protocol === 'http:' || absolute.protocol === 'https:') {
      absolute.hash = '';
      links.add(absolute.href);
    }
  }
  for (const image of document.querySelectorAll('img[src]')) {
    const absolute = resolve(image.getAttribute('src') ?? '', base);
    if (absolute !== undefined) image.setAttribute('src', absolute.href);
  }
  return [...links];
}

function baseUrl(href: string | null | undefined, pageUrl: string): string {
  return (href ? resolve(href, pageUrl)?.href : undefined) ?? pageUrl;
}

function resolve(href: string, base: string): URL | undefined {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#') || /^(javascript|mailto|tel|data):/i.test(trimmed)) return undefined;
  try {
    return new URL(trimmed, base);
  } catch {
    return undefined;
  }
}

/** Collapses runs of blank lines and trims. */
function tidy(markdown: string): string {
  return markdown.replace(/\n{3,}/g, '\n\n').trim();
}

/** Links in Markdown or plain text: `[text](target)` targets (resolved against the page) and bare http(s) URLs. */
export function linksInText(text: string, pageUrl: string): string[] {
  const links = new Set<string>();
  const candidates = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? '');
  candidates.push(...[...text.matchAll(/https?:\/\/[^\s<>()"'`\]]+/g)].map((match) => match[0].replace(/[.,;:!?]+$/, '')));
  for (const candidate of candidates) {
    const absolute = resolve(candidate, pageUrl);
    if (absolute === undefined || (absolute.protocol !== 'http:' && absolute.protocol !== 'https:')) continue;
    absolute.hash = '';
    links.add(absolute.href);
  }
  return [...links];
}

/** The first ATX heading of a Markdown text, if any (its title). */
export function markdownTitle(markdown: string): string {
  return /^#{1,6}\s+(.+?)\s*#*\s*$/m.exec(markdown)?.[1]?.trim() ?? '';
}
