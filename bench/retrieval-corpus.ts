/**
 * A synthetic but realistic help-centre corpus for `bench/retrieval-bench.ts`: chunks recombined from the
 * sentences of the demo knowledge base (`activities/retrieval/demo-knowledge/*.md`), mostly from one article
 * and section with a few from elsewhere, plus the identifiers real support docs carry (invoice numbers, error
 * codes, plan names), so chunks are near-duplicates of each other the way re-synced docs are, yet distinct.
 * Queries are short spans of chunk sentences with a word dropped or misspelt. Deterministic per seed.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';

export interface Article {
  slug: string;
  title: string;
  url: string;
  sections: { heading: string | null; sentences: string[] }[];
}

/** mulberry32: a small seeded PRNG so runs are comparable. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** The demo articles split into sections (by `##` heading) of sentences. */
export async function loadArticles(): Promise<Article[]> {
  const directory = fileURLToPath(new URL('../activities/retrieval/demo-knowledge/', import.meta.url));
  const files = (await readdir(directory)).filter((file) => file.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file) => {
      const parsed = matter(await readFile(path.join(directory, file), 'utf8'));
      const data = parsed.data as { title?: string; url?: string };
      const sections: Article['sections'] = [{ heading: null, sentences: [] }];
      for (const block of parsed.content.split(/\n\s*\n/)) {
        const heading = /^#{1,6}\s+(.*)$/.exec(block.trim());
        if (heading) sections.push({ heading: heading[1] ?? null, sentences: [] });
        else sections.at(-1)?.sentences.push(...sentencesOf(block));
      }
      const slug = path.basename(file, '.md');
      return { slug, title: data.title ?? slug, url: data.url ?? `https://help.example.com/${slug}`, sections: sections.filter((section) => section.sentences.length > 0) };
    }),
  );
}

function sentencesOf(block: string): string[] {
  const text = block.replace(/^\s*[-*|]\s*/gm, '').replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim();
  return text.split(/(?<=[.!?])\s+(?=[A-Z0-9])/).filter((sentence) => sentence.split(' ').length >= 4);
}

const PLANS = ['Free', 'Starter', 'Team', 'Business', 'Enterprise'];
const CODES = ['E1042', 'E2210', 'PAY-402', 'SSO-17', 'SCIM-409', 'WH-500', 'API-429', 'TAX-22'];

function identifierSentence(random: () => number): string {
  const invoice = `INV-${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}`;
  const templates = [
    () => `See ticket #${Math.floor(random() * 900_000) + 100_000} for the ${pick(random, PLANS)} plan.`,
    () => `Invoice ${invoice} shows this for workspace ws-${Math.floor(random() * 99_999)}.`,
    () => `Error ${pick(random, CODES)} appears in the audit log when this happens on the ${pick(random, PLANS)} plan.`,
    () => `Last reviewed in release ${Math.floor(random() * 9) + 1}.${Math.floor(random() * 40)}.${Math.floor(random() * 10)}.`,
  ];
  return pick(random, templates)();
}

/** One generated chunk: provenance and text. */
export interface SyntheticChunk {
  article: Article;
  heading: string | null;
  text: string;
}

/** A chunk of 3–7 sentences: mostly one section of one article, sometimes a sentence from another article. */
export function generateChunk(random: () => number, articles: Article[]): SyntheticChunk {
  const article = pick(random, articles);
  const section = pick(random, article.sections);
  const sentences: string[] = [];
  const count = 3 + Math.floor(random() * 5);
  const start = Math.floor(random() * section.sentences.length);
  for (let index = 0; index < count; index += 1) {
    const roll = random();
    if (roll < 0.6) sentences.push(section.sentences[(start + index) % section.sentences.length] ?? '');
    else if (roll < 0.85) sentences.push(pick(random, pick(random, article.sections).sentences));
    else sentences.push(pick(random, pick(random, pick(random, articles).sections).sentences));
  }
  sentences.splice(Math.floor(random() * (sentences.length + 1)), 0, identifierSentence(random));
  return { article, heading: section.heading, text: sentences.join(' ') };
}

/** A user-like query from a chunk: a 4–9 word span of one sentence, one word dropped or misspelt. */
export function generateQuery(random: () => number, chunkText: string): string {
  const sentences = chunkText.split(/(?<=[.!?])\s+/);
  const words = pick(random, sentences).replace(/[.!?,;:]/g, '').split(' ');
  const length = Math.min(words.length, 4 + Math.floor(random() * 6));
  const start = Math.floor(random() * (words.length - length + 1));
  const span = words.slice(start, start + length);
  const target = Math.floor(random() * span.length);
  const word = span[target] ?? '';
  if (random() < 0.5 && span.length > 4) span.splice(target, 1);
  else if (word.length > 4) span[target] = word.slice(0, 1) + word.slice(2, 3) + word.slice(1, 2) + word.slice(3);
  return span.join(' ').toLowerCase();
}
