/**
 * Text features for the routing classifier: word unigrams and bigrams plus character n-grams inside word
 * boundaries (3–5), each group weighted by sublinear TF × IDF and L2-normalised on its own, so the many
 * character features do not drown the words. Character n-grams make the model robust to typos and
 * inflections ("refunded", "refnd"); bigrams keep short phrases ("api key", "how long").
 */

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** Options of the featurizer; stored in the model so training and inference agree. */
export interface FeatureOptions {
  /** Smallest and largest character n-gram length. */
  charMin: number;
  charMax: number;
  /** Drop features seen in fewer training texts than this. */
  minDocumentFrequency: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { charMin: 3, charMax: 5, minDocumentFrequency: 1 };

/** A fitted vocabulary: feature strings, their indices and inverse document frequencies. */
export interface Vocabulary {
  options: FeatureOptions;
  features: string[];
  idf: number[];
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased words of a text (NFKC-normalised, apostrophes unified). */
export function words(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).map((word) => word.replace(/’/g, "'"));
}

/** Feature strings of a text, in two groups: `w:`/`b:` word features and `c:` character n-grams. */
export function featureStrings(text: string, options: FeatureOptions): { word: string[]; char: string[] } {
  const tokens = words(text);
  const word = tokens.map((token) => `w:${token}`);
  for (let index = 0; index + 1 < tokens.length; index += 1) word.push(`b:${tokens[index]} ${tokens[index + 1]}`);
  const char: string[] = [];
  for (const token of tokens) {
    const padded = ` ${token} `;
    for (let size = options.charMin; size <= options.charMax; size += 1) {
      for (let start = 0; start + size <= padded.length; start += 1) char.push(`c:${padded.slice(start, start + size)}`);
    }
  }
  return { word, char };
}

/** Fits a vocabulary (features and IDF) on training texts. */
export function fitVocabulary(texts: readonly string[], options: FeatureOptions = DEFAULT_FEATURE_OPTIONS): Vocabulary {
  const documentFrequency = new Map<string, number>();
  for (const text of texts) {
    const { word, char } = featureStrings(text, options);
    for (const feature of new Set([...word, ...char])) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
  }
  const features = [...documentFrequency.entries()]
    .filter(([, count]) => count >= options.minDocumentFrequency)
    .map(([feature]) => feature)
    .sort();
  const idf = features.map((feature) => Math.log((1 + texts.length) / (1 + (documentFrequency.get(feature) ?? 0))) + 1);
  return { options, features, idf };
}

/** Turns texts into sparse TF-IDF vectors with a fitted vocabulary (unknown features are ignored). */
export class Featurizer {
  private readonly index: Map<string, number>;

  constructor(readonly vocabulary: Vocabulary) {
    this.index = new Map(vocabulary.features.map((feature, position) => [feature, position]));
  }

  /** Number of features (the width of the weight matrix). */
  get size(): number {
    return this.vocabulary.features.length;
  }

  /** The sparse, per-group L2-normalised TF-IDF vector of a text. */
  vectorize(text: string): SparseVector {
    const { word, char } = featureStrings(text, this.vocabulary.options);
    const vector: SparseVector = { indices: [], values: [] };
    this.appendGroup(word, vector);
    this.appendGroup(char, vector);
    return vector;
  }

  private appendGroup(features: string[], vector: SparseVector): void {
    const counts = new Map<number, number>();
    for (const feature of features) {
      const position = this.index.get(feature);
      if (position !== undefined) counts.set(position, (counts.get(position) ?? 0) + 1);
    }
    const weighted = [...counts].map(([position, count]) => [position, (1 + Math.log(count)) * (this.vocabulary.idf[position] ?? 1)] as const);
    const norm = Math.sqrt(weighted.reduce((sum, [, value]) => sum + value * value, 0));
    if (norm === 0) return;
    for (const [position, value] of weighted) {
      vector.indices.push(position);
      vector.values.push(value / norm);
    }
  }
}
