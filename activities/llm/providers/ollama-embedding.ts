/**
 * Ollama `/api/embed` adapter. Ollama returns L2-normalised vectors and the prompt token count
 * (`prompt_eval_count`). The vector size depends on the model, so it is a setting.
 */
import type { EmbeddingModel, EmbeddingResult } from '../embedding-model.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, guardedCall } from './guarded-stream.js';
import { ollamaCall, toOllamaProviderError, type OllamaCall } from './ollama-model.js';
import { checkedVectors } from './vectors.js';

/** Vector sizes of common Ollama embedding models. */
export const OLLAMA_EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  'nomic-embed-text': 768,
  'mxbai-embed-large': 1024,
  'all-minilm': 384,
  'bge-m3': 1024,
  'snowflake-arctic-embed': 1024,
};

/** Settings of one {@link OllamaEmbeddingModel}. */
export interface OllamaEmbeddingOptions {
  modelId: string;
  host: string;
  /** Vector size; required for models not in {@link OLLAMA_EMBEDDING_DIMENSIONS}. */
  dimensions?: number;
  timeoutMs?: number;
}

/** `EmbeddingModel` over a local or remote Ollama server. */
export class OllamaEmbeddingModel implements EmbeddingModel {
  readonly provider = 'ollama';
  readonly modelId: string;
  readonly dimensions: number;
  private readonly options: OllamaEmbeddingOptions;

  constructor(options: OllamaEmbeddingOptions) {
    const dimensions = options.dimensions ?? OLLAMA_EMBEDDING_DIMENSIONS[options.modelId.replace(/:latest$/, '')];
    if (dimensions === undefined) throw new TypeError(`Ollama embedding model ${options.modelId}: unknown vector size, set dimensions`);
    this.modelId = options.modelId;
    this.dimensions = dimensions;
    this.options = options;
  }

  async embed(texts: string[], options: { abortSignal?: AbortSignal } = {}): Promise<EmbeddingResult> {
    if (texts.length === 0) return { embeddings: [], usage: { inputTokens: 0 } };
    let call: OllamaCall | undefined;
    const response = await guardedCall(options.abortSignal, (error) => toOllamaProviderError(error, this, call), (signal) => {
      call = ollamaCall(this.options.host, this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, signal);
      return call.client.embed({ model: this.modelId, input: texts });
    });
    return { embeddings: checkedVectors(this, response?.embeddings, texts.length), usage: { inputTokens: response.prompt_eval_count ?? 0 } };
  }
}
