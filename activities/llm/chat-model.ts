import type { Complexity, ModelAttempt, TokenUsage } from '../../domain/types.js';

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
  /**
   * Ask for JSON matching this JSON Schema (structured output). Adapters use the vendor's native mode where it
   * has one; callers validate the text with zod (`generateObject`).
   */
  responseFormat?: { type: 'json'; name: string; schema: Record<string, unknown> };
  /** Vendor-only options, under the vendor's name (`providerOptions.anthropic`, …). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface ChatResult {
  text: string;
  usage: TokenUsage;
  finishReason: 'stop' | 'length' | 'content-filter' | 'error';
  provider: string;
  modelId: string;
  /** Set by the router: the price of this call from the model catalog (adapters leave it out). */
  costUsd?: number;
  /** Set by the router: every attempt it made for this call, failed ones first, with reasons. */
  attempts?: ModelAttempt[];
}

export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; result: ChatResult };

/** Per-call options that are not data (so they stay out of the JSON request). */
export interface CallOptions {
  /** Aborts the call, e.g. when Temporal cancels the activity. */
  abortSignal?: AbortSignal;
  /** Who the call is for: the router uses it for tier, budgets, privacy and accounting. */
  context?: ModelCallContext;
}

/** The turn a model call belongs to (the router's input besides the request). */
export interface ModelCallContext {
  tenantId: string;
  conversationId: string;
  turnId: string;
  /** Unique per logical call and Temporal attempt (for example `<activityId>:<attempt>`): accounting is idempotent on it. */
  callId: string;
  complexity?: Complexity;
  agentId?: string;
  /** The agent's preferred tier from the catalog, if any. */
  preferredTier?: 'fast' | 'balanced' | 'premium';
  /** Tenant privacy setting: only local models may see this call's text. */
  localOnly?: boolean;
}

/** One interface for every model vendor; adapters live one file per vendor under `activities/llm/`. */
export interface ChatModel {
  readonly provider: string;
  readonly modelId: string;
  generate(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart>;
}
