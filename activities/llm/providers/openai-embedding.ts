/**
 * OpenAI `/v1/embeddings` adapter (also any OpenAI-compatible server). The SDK asks for base64 vectors by
 * default and decodes them; usage comes from the response's `usage.prompt_tokens`.
 */
import type OpenAI from 'openai';
import type { Logger } from '../../../domain/logger.js';
import type { EmbeddingModel, EmbeddingResult } from '../embedding-model.js';
import { ProviderErrorKind } from '../provider-error.js';
import { guardedCall } from './guarded-stream.js';
import { createOpenAIClient, toOpenAIProviderError } from './openai-model.js';
import { failure } from './provider-failure.js';
import { checkedVectors } from './vectors.js';

/** Vector sizes of OpenAI's embedding models at their default size. */
export const OPENAI_EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Settings of one {@link OpenAIEmbeddingModel}. */
export interface OpenAIEmbeddingOptions {
  modelId: string;
  apiKey: string;
  baseUrl?: string;
  /**
   * Vector size. Sent as the `dimensions` parameter when given (text-embedding-3 models shorten their
   * vectors); required for models not in {@link OPENAI_EMBEDDING_DIMENSIONS}.
   */
  dimensions?: number;
  timeoutMs?: number;
  logger?: Logger;
}

/** `EmbeddingModel` over OpenAI embeddings, with the SDK's own retries off. */
export class OpenAIEmbeddingModel implements EmbeddingModel {
  readonly provider = 'openai';
  readonly modelId: string;
  readonly dimensions: number;
  private readonly client: OpenAI;
  private readonly requestedDimensions: number | undefined;

  constructor(options: OpenAIEmbeddingOptions) {
    const dimensions = options.dimensions ?? OPENAI_EMBEDDING_DIMENSIONS[options.modelId];
    if (dimensions === undefined) throw new TypeError(`OpenAI embedding model ${options.modelId}: unknown vector size, set dimensions`);
    this.modelId = options.modelId;
    this.dimensions = dimensions;
    this.requestedDimensions = options.dimensions;
    this.client = createOpenAIClient(options);
  }

  async embed(texts: string[], options: { abortSignal?: AbortSignal } = {}): Promise<EmbeddingResult> {
    if (texts.length === 0) return { embeddings: [], usage: { inputTokens: 0 } };
    const response = await guardedCall(options.abortSignal, (error) => toOpenAIProviderError(error, this), (signal) =>
      this.client.embeddings.create(
        { model: this.modelId, input: texts, ...(this.requestedDimensions === undefined ? {} : { dimensions: this.requestedDimensions }) },
        { signal },
      ),
    );
    if (!Array.isArray(response?.data) || typeof response.usage?.prompt_tokens !== 'number') {
      throw failure(this, ProviderErrorKind.malformed, 'the response is not an embedding list with usage');
    }
    // Items carry their input index; order by it rather than trusting the array order.
    const ordered = [...response.data].sort((left, right) => left.index - right.index).map((item) => item.embedding);
    return { embeddings: checkedVectors(this, ordered, texts.length), usage: { inputTokens: response.usage.prompt_tokens } };
  }
}
