/**
 * The learned routing classifier: TF-IDF word and character n-gram features ({@link Featurizer}) into a
 * softmax regression over the catalog's agents plus an out-of-scope class. Trained from labelled examples
 * (catalog example questions, reviewer-confirmed past turns, or a mapped public dataset), serialised to JSON
 * with a content-hash version, and loaded back without retraining.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_FEATURE_OPTIONS, Featurizer, fitVocabulary, type FeatureOptions } from './features.js';
import { DEFAULT_SOFTMAX_OPTIONS, predictSoftmax, trainSoftmax, type SoftmaxOptions, type SoftmaxWeights } from './softmax-regression.js';

/** The class label of out-of-scope questions. */
export const OUT_OF_SCOPE_LABEL = 'out-of-scope';

/** One labelled question; `agentId: null` marks an out-of-scope question. */
export interface LabelledExample {
  text: string;
  agentId: string | null;
}

/** Decision thresholds stored with the model. */
export interface RouterThresholds {
  /** Out of scope when P(out-of-scope) is at least this. */
  outOfScope: number;
  /** Below this top-agent probability the classifier is unsure and the keyword fallback is consulted. */
  unsure: number;
}

export const DEFAULT_THRESHOLDS: RouterThresholds = { outOfScope: 0.5, unsure: 0.3 };

/** Options of {@link trainRouter}. */
export interface TrainRouterOptions {
  features?: Partial<FeatureOptions>;
  softmax?: Partial<SoftmaxOptions>;
  thresholds?: Partial<RouterThresholds>;
  /** Clock for `trainedAt` (tests pin it). */
  now?: () => Date;
}

/** What the classifier says about one question: agents by probability (best first) and P(out-of-scope). */
export interface RouterClassification {
  agents: { agentId: string; probability: number }[];
  outOfScopeProbability: number;
}

const SerializedRouterSchema = z.object({
  format: z.literal('agentcraft-router/1'),
  version: z.string().regex(/^sha256-[0-9a-f]{16}$/),
  trainedAt: z.iso.datetime(),
  exampleCount: z.number().int().nonnegative(),
  labels: z.array(z.string()).min(2),
  thresholds: z.object({ outOfScope: z.number().min(0).max(1), unsure: z.number().min(0).max(1) }),
  features: z.object({
    options: z.object({ charMin: z.number().int().positive(), charMax: z.number().int().positive(), minDocumentFrequency: z.number().int().positive() }),
    features: z.array(z.string()),
    idf: z.array(z.number()),
  }),
  bias: z.array(z.number()),
  /** Row-major: one row of `labels.length` weights per feature. */
  weights: z.array(z.number()),
});
/** The JSON form of a trained router. */
export type SerializedRouter = z.infer<typeof SerializedRouterSchema>;

/** A trained classifier. `classify` is pure and takes microseconds. */
export class RoutingClassifier {
  private readonly featurizer: Featurizer;
  private readonly model: SoftmaxWeights;

  constructor(private readonly serialized: SerializedRouter) {
    this.featurizer = new Featurizer(serialized.features);
    this.model = { classes: serialized.labels.length, weights: Float64Array.from(serialized.weights), bias: Float64Array.from(serialized.bias) };
  }

  /** Content hash of the training data and options: the same data gives the same version. */
  get version(): string {
    return this.serialized.version;
  }

  get trainedAt(): string {
    return this.serialized.trainedAt;
  }

  get thresholds(): RouterThresholds {
    return this.serialized.thresholds;
  }

  /** The agent ids this model can choose (its labels without the out-of-scope class). */
  get agentIds(): string[] {
    return this.serialized.labels.filter((label) => label !== OUT_OF_SCOPE_LABEL);
  }

  /** Ranks agents for a question and gives the probability that it is out of scope. */
  classify(question: string): RouterClassification {
    const probabilities = predictSoftmax(this.model, this.featurizer.vectorize(question));
    let outOfScopeProbability = 0;
    const agents: { agentId: string; probability: number }[] = [];
    this.serialized.labels.forEach((label, index) => {
      const probability = probabilities[index] ?? 0;
      if (label === OUT_OF_SCOPE_LABEL) outOfScopeProbability = probability;
      else agents.push({ agentId: label, probability });
    });
    agents.sort((left, right) => right.probability - left.probability || left.agentId.localeCompare(right.agentId));
    return { agents, outOfScopeProbability };
  }

  /** A copy with other thresholds (evaluation tunes them on a validation split). */
  withThresholds(thresholds: Partial<RouterThresholds>): RoutingClassifier {
    return new RoutingClassifier({ ...this.serialized, thresholds: { ...this.serialized.thresholds, ...thresholds } });
  }

  /** The JSON form, for `loadRouter`. Weights are rounded to 5 decimals to keep the file small. */
  toJSON(): SerializedRouter {
    return { ...this.serialized, weights: this.serialized.weights.map(round5), bias: this.serialized.bias.map(round5) };
  }
}

const round5 = (value: number): number => Math.round(value * 1e5) / 1e5;

/** Trains a router from labelled examples (agent ids, or `null` for out of scope). */
export function trainRouter(examples: readonly LabelledExample[], options: TrainRouterOptions = {}): RoutingClassifier {
  const featureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...options.features };
  const softmaxOptions = { ...DEFAULT_SOFTMAX_OPTIONS, ...options.softmax };
  const labels = [...new Set(examples.map((example) => example.agentId ?? OUT_OF_SCOPE_LABEL))].sort();
  if (!labels.includes(OUT_OF_SCOPE_LABEL)) labels.push(OUT_OF_SCOPE_LABEL);
  if (labels.length < 2) throw new Error('trainRouter needs examples of at least one agent');
  const vocabulary = fitVocabulary(examples.map((example) => example.text), featureOptions);
  const featurizer = new Featurizer(vocabulary);
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const data = examples.map((example) => ({ vector: featurizer.vectorize(example.text), label: labelIndex.get(example.agentId ?? OUT_OF_SCOPE_LABEL) ?? 0 }));
  const weights = trainSoftmax(data, featurizer.size, labels.length, softmaxOptions);
  return new RoutingClassifier({
    format: 'agentcraft-router/1',
    version: trainingVersion(examples, options),
    trainedAt: (options.now ?? (() => new Date()))().toISOString(),
    exampleCount: examples.length,
    labels,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
    features: vocabulary,
    bias: [...weights.bias],
    weights: [...weights.weights],
  });
}

/** Loads a router serialised by `toJSON()` (validated: a corrupt file fails here, not at the first question). */
export function loadRouter(json: unknown): RoutingClassifier {
  const serialized = SerializedRouterSchema.parse(json);
  const expected = serialized.features.features.length * serialized.labels.length;
  if (serialized.weights.length !== expected || serialized.bias.length !== serialized.labels.length) {
    throw new Error(`Router model ${serialized.version} has ${serialized.weights.length} weights, expected ${expected}`);
  }
  return new RoutingClassifier(serialized);
}

/**
 * The version a model trained on these examples with these options gets: a content hash, so a stored model can
 * be checked against the current catalog without retraining.
 */
export function trainingVersion(examples: readonly LabelledExample[], options: Pick<TrainRouterOptions, 'features' | 'softmax'> = {}): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ features: { ...DEFAULT_FEATURE_OPTIONS, ...options.features }, softmax: { ...DEFAULT_SOFTMAX_OPTIONS, ...options.softmax } }));
  for (const example of examples) hash.update(`${example.agentId ?? OUT_OF_SCOPE_LABEL}\u0000${example.text}\u0001`);
  return `sha256-${hash.digest('hex').slice(0, 16)}`;
}
