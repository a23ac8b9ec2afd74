/**
 * Multinomial logistic regression (softmax regression) over sparse features, trained with AdaGrad and L2
 * regularisation. Written here rather than taken from npm on purpose: the JS libraries that fit the maths
 * (`ml-logistic-regression`, `natural`'s classifier) take dense matrices — 15,000 questions × 100,000 n-gram
 * features is 12 GB dense — and TensorFlow.js (273 MB installed) densifies the embedding gradient on its CPU
 * backend (12 GB resident in a trial). Sparse updates make a CLINC150-sized model train in seconds and
 * predict in microseconds. Deterministic: a seeded shuffle, so the same data gives the same weights.
 */
import type { SparseVector } from './features.js';

/** Training options. */
export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per update (lazy: applied to the rows an example touches). */
  l2: number;
  seed: number;
  /** Weight each class by (largest class / class size)^power: 0 = none, 0.5 = square-root balancing. */
  balancePower: number;
}

export const DEFAULT_SOFTMAX_OPTIONS: SoftmaxOptions = { epochs: 12, learningRate: 0.4, l2: 1e-5, seed: 7, balancePower: 0.5 };

/** Learned weights: `weights[feature * classes + class]` and one bias per class. */
export interface SoftmaxWeights {
  classes: number;
  weights: Float64Array;
  bias: Float64Array;
}

/** One training example: a feature vector and its class index. */
export interface TrainingVector {
  vector: SparseVector;
  label: number;
}

/** Trains weights for `classes` classes over `featureCount` features. */
export function trainSoftmax(data: readonly TrainingVector[], featureCount: number, classes: number, options: SoftmaxOptions = DEFAULT_SOFTMAX_OPTIONS): SoftmaxWeights {
  const model: SoftmaxWeights = { classes, weights: new Float64Array(featureCount * classes), bias: new Float64Array(classes) };
  const squaredWeights = new Float64Array(featureCount * classes);
  const squaredBias = new Float64Array(classes);
  const classWeight = classWeights(data, classes, options.balancePower);
  const order = data.map((_, index) => index);
  const random = mulberry32(options.seed);
  const gradient = new Float64Array(classes);
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    shuffle(order, random);
    for (const position of order) {
      const example = data[position];
      if (example === undefined) continue;
      const probabilities = predictSoftmax(model, example.vector);
      const weight = classWeight[example.label] ?? 1;
      for (let label = 0; label < classes; label += 1) gradient[label] = weight * ((probabilities[label] ?? 0) - (label === example.label ? 1 : 0));
      update(model, squaredWeights, squaredBias, example.vector, gradient, options);
    }
  }
  return model;
}

function update(model: SoftmaxWeights, squaredWeights: Float64Array, squaredBias: Float64Array, vector: SparseVector, gradient: Float64Array, options: SoftmaxOptions): void {
  const { classes, weights, bias } = model;
  for (let label = 0; label < classes; label += 1) {
    const step = gradient[label] ?? 0;
    squaredBias[label] = (squaredBias[label] ?? 0) + step * step;
    bias[label] = (bias[label] ?? 0) - (options.learningRate * step) / Math.sqrt((squaredBias[label] ?? 0) + 1e-8);
  }
  for (let entry = 0; entry < vector.indices.length; entry += 1) {
    const row = (vector.indices[entry] ?? 0) * classes;
    const value = vector.values[entry] ?? 0;
    for (let label = 0; label < classes; label += 1) {
      const cell = row + label;
      const current = weights[cell] ?? 0;
      const step = (gradient[label] ?? 0) * value + options.l2 * current;
      squaredWeights[cell] = (squaredWeights[cell] ?? 0) + step * step;
      weights[cell] = current - (options.learningRate * step) / Math.sqrt((squaredWeights[cell] ?? 0) + 1e-8);
    }
  }
}

/** Class probabilities of one feature vector. */
export function predictSoftmax(model: SoftmaxWeights, vector: SparseVector): Float64Array {
  const { classes, weights, bias } = model;
  const logits = Float64Array.from(bias);
  for (let entry = 0; entry < vector.indices.length; entry += 1) {
    const row = (vector.indices[entry] ?? 0) * classes;
    const value = vector.values[entry] ?? 0;
    for (let label = 0; label < classes; label += 1) logits[label] = (logits[label] ?? 0) + (weights[row + label] ?? 0) * value;
  }
  let max = -Infinity;
  for (const logit of logits) max = Math.max(max, logit);
  let sum = 0;
  for (let label = 0; label < classes; label += 1) {
    const exponential = Math.exp((logits[label] ?? 0) - max);
    logits[label] = exponential;
    sum += exponential;
  }
  for (let label = 0; label < classes; label += 1) logits[label] = (logits[label] ?? 0) / sum;
  return logits;
}

function classWeights(data: readonly TrainingVector[], classes: number, power: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const example of data) counts[example.label] = (counts[example.label] ?? 0) + 1;
  const largest = Math.max(...counts);
  return counts.map((count) => (count === 0 ? 1 : (largest / count) ** power));
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(order: number[], random: () => number): void {
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] ?? 0, order[index] ?? 0];
  }
}
