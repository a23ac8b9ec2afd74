import type { EmbeddingModel } from '../embedding-model.js';
import { ProviderErrorKind } from '../provider-error.js';
import { failure } from './provider-failure.js';

/**
 * Checks a provider's vectors against the model's contract: one per input, each of the declared size with
 * finite numbers. A mismatch would corrupt a vector index silently, so it fails as kind `malformed`.
 */
export function checkedVectors(model: Pick<EmbeddingModel, 'provider' | 'modelId' | 'dimensions'>, vectors: unknown, expected: number): number[][] {
  if (!Array.isArray(vectors) || vectors.length !== expected) {
    throw failure(model, ProviderErrorKind.malformed, `expected ${expected} vectors, got ${Array.isArray(vectors) ? vectors.length : typeof vectors}`);
  }
  return vectors.map((vector: unknown, index) => {
    if (!Array.isArray(vector) || vector.length !== model.dimensions || !vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      const size = Array.isArray(vector) ? vector.length : typeof vector;
      throw failure(model, ProviderErrorKind.malformed, `vector ${index} has size ${size}, expected ${model.dimensions} finite numbers`);
    }
    return vector as number[];
  });
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalized(vector: number[]): number[] {
  const length = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return length === 0 ? vector : vector.map((value) => value / length);
}
