/** One interface for every embedding vendor; adapters live one file per vendor under `activities/llm/`. */
export interface EmbeddingResult {
  /** One vector per input text, in input order, each of length `dimensions`. */
  embeddings: number[][];
  usage: { inputTokens: number };
}

export interface EmbeddingModel {
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  embed(texts: string[], options?: { abortSignal?: AbortSignal }): Promise<EmbeddingResult>;
}
