/**
 * The local default `EmbeddingModel`: feature hashing, no model download, no network, deterministic.
 *
 * Each text becomes a bag of features — stemmed word unigrams (stopwords dropped), adjacent word bigrams, and
 * character trigrams of every word (with word-boundary marks) — each weighted by sublinear term frequency and
 * hashed (FNV-1a, with a hash-derived sign so collisions cancel out rather than pile up) into a fixed number
 * of dimensions; the vector is L2-normalised, so cosine similarity is a dot product.
 *
 * Good at: lexical near-duplicates (the same passage re-worded a little, reordered, or re-chunked), typos and
 * inflections ("refnud" / "refunds" still share trigrams and stems), and texts sharing rare terms, product
 * names, error codes and identifiers. Bad at: synonyms and paraphrase with no shared words ("cancel my plan"
 * vs "end the subscription" score near zero), anything needing world knowledge, and cross-language matching.
 * Use OpenAI or Ollama embeddings for semantic retrieval; this one keeps the embedded mode working offline and
 * pairs well with lexical (BM25) search, whose blind spots it shares.
 */
import { eng, removeStopwords } from 'stopword';
import type { EmbeddingModel, EmbeddingResult } from '../embedding-model.js';
import { countTokens, terms } from '../text.js';
import { normalized } from './vectors.js';

/** Settings of {@link LocalEmbeddingModel}. */
export interface LocalEmbeddingOptions {
  /** Vector size (default {@link LOCAL_EMBEDDING_DIMENSIONS}); more dimensions mean fewer hash collisions. */
  dimensions?: number;
}

/**
 * Default vector size. A 300-token chunk yields well over a thousand hashed features (words, bigrams, character
 * trigrams), so collisions are the main noise: on the dev half of `npm run eval:retrieval`, vector-only recall@5 / MRR were
 * 0.788 / 0.581 at 512 dimensions, 0.818 / 0.645 at 1,024 and 0.833 / 0.654 at 2,048. 1,024 takes most of the gain
 * at half the size and search cost of 2,048.
 */
export const LOCAL_EMBEDDING_DIMENSIONS = 1024;

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
/** Total weight of one word's character trigrams (split evenly between them). */
const TRIGRAM_WEIGHT = 2;
const WORD = /[\p{L}\p{N}]+/gu;

/** Deterministic feature-hashing embeddings; see the module comment for what they are good and bad at. */
export class LocalEmbeddingModel implements EmbeddingModel {
  readonly provider = 'local';
  readonly modelId = 'hashed-ngrams-v1';
  readonly dimensions: number;

  constructor(options: LocalEmbeddingOptions = {}) {
    const dimensions = options.dimensions ?? LOCAL_EMBEDDING_DIMENSIONS;
    if (!Number.isInteger(dimensions) || dimensions < 16) throw new RangeError(`dimensions must be an integer >= 16, got ${dimensions}`);
    this.dimensions = dimensions;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so an aborted signal rejects instead of throwing
  async embed(texts: string[], options: { abortSignal?: AbortSignal } = {}): Promise<EmbeddingResult> {
    options.abortSignal?.throwIfAborted();
    const embeddings = texts.map((text) => this.vectorOf(text));
    const inputTokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
    return { embeddings, usage: { inputTokens } };
  }

  /** The unit vector of one text (all zeros for a text without words). */
  vectorOf(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, weight] of featuresOf(text)) {
      const hash = fnv1a(feature);
      const sign = (mix(hash) & 1) === 0 ? 1 : -1;
      const index = hash % this.dimensions;
      vector[index] = (vector[index] ?? 0) + sign * weight;
    }
    return normalized(vector);
  }
}

/** Feature → weight, with sublinear term frequency (1 + ln count) per feature. */
function featuresOf(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  };
  const stems = terms(text);
  for (const stem of stems) add(`w:${stem}`, WORD_WEIGHT);
  for (let index = 1; index < stems.length; index += 1) add(`b:${stems[index - 1]} ${stems[index]}`, BIGRAM_WEIGHT);
  // Function words would make every question look alike at the character level.
  const words = removeStopwords(text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? [], eng);
  for (const word of words) {
    const grams = trigramsOf(word);
    for (const gram of grams) add(`c:${gram}`, TRIGRAM_WEIGHT / grams.length);
  }
  const weighted = new Map<string, number>();
  for (const [feature, total] of counts) weighted.set(feature, total >= 1 ? 1 + Math.log(total) : total);
  return weighted;
}

function trigramsOf(word: string): string[] {
  const padded = `<${word}>`;
  if (padded.length <= 3) return [padded];
  return Array.from({ length: padded.length - 2 }, (_, index) => padded.slice(index, index + 3));
}

/** 32-bit FNV-1a over UTF-16 code units (stable across runs and platforms). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finalizer: decorrelates the sign bit from the bucket index. */
function mix(hash: number): number {
  let value = hash ^ (hash >>> 16);
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  return (value ^ (value >>> 16)) >>> 0;
}
