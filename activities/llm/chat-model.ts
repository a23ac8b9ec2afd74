import type { TokenUsage } from '../../domain/types.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A document the model may ground its answer in; the model cites it as `[n]` with n = position + 1. */
export interface GroundingDocument {
  id: string;
  title: string;
  text: string;
}

/** Plain-JSON request (it crosses activity boundaries). */
export interface ChatRequest {
  /** What the call is for (route, agent, synthesize, qa, summarize): drives model choice and accounting. */
  purpose: string;
  system?: string;
  messages: ChatMessage[];
  documents?: GroundingDocument[];
  maxOutputTokens?: number;
  temperature?: number;
  /** Vendor-only options, under the vendor's name (`providerOptions.anthropic`, …). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface ChatResult {
  text: string;
  usage: TokenUsage;
  finishReason: 'stop' | 'length' | 'content-filter' | 'error';
  provider: string;
  modelId: string;
}

export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; result: ChatResult };

/** Per-call options that are not data (so they stay out of the JSON request). */
export interface CallOptions {
  /** Aborts the call, e.g. when Temporal cancels the activity. */
  abortSignal?: AbortSignal;
}

/** One interface for every model vendor; adapters live one file per vendor under `activities/llm/`. */
export interface ChatModel {
  readonly provider: string;
  readonly modelId: string;
  generate(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart>;
}
