/**
 * Domain types that cross activity, workflow and API boundaries. Plain JSON only (they travel through
 * Temporal payloads and the event log). Pure module: safe to import from workflow code.
 */
import type { EventType, Stage } from './constants.js';

export const RetrievalSource = { knowledge: 'knowledge', web: 'web', history: 'history' } as const;
export type RetrievalSource = (typeof RetrievalSource)[keyof typeof RetrievalSource];

/** One retrieved piece of text with its provenance. */
export interface Passage {
  /** Stable id of the passage (chunk id for knowledge, message id for history, URL#n for web). */
  id: string;
  source: RetrievalSource;
  documentId: string;
  title: string;
  url: string | null;
  text: string;
  score: number;
  updatedAt: string | null;
  /** True for text from outside the knowledge base (live web): QA treats it as untrusted. */
  untrusted: boolean;
}

export const SourceStatus = { ok: 'ok', empty: 'empty', failed: 'failed', timeout: 'timeout', disabled: 'disabled' } as const;
export type SourceStatus = (typeof SourceStatus)[keyof typeof SourceStatus];

/** What one retrieval source returned; a failed source degrades the turn, never fails it. */
export interface SourceResult {
  source: RetrievalSource;
  status: SourceStatus;
  passages: Passage[];
  durationMs: number;
  detail?: string;
}

export const Complexity = { simple: 'simple', moderate: 'moderate', complex: 'complex' } as const;
export type Complexity = (typeof Complexity)[keyof typeof Complexity];

export interface AgentChoice {
  agentId: string;
  score: number;
  reason: string;
}

/** Output of the route stage. */
export interface RouteDecision {
  intent: string;
  complexity: Complexity;
  language: string;
  agents: AgentChoice[];
  confidence: number;
  wantsHuman: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One try of one model inside a routed call (the router may try several before one answers). */
export interface ModelAttempt {
  provider: string;
  modelId: string;
  outcome: 'ok' | 'failed' | 'skipped';
  /** Why this model was chosen, skipped or left (e.g. "cheapest balanced model", "529 overloaded", "breaker open"). */
  reason: string;
  latencyMs: number;
  usage?: TokenUsage;
  costUsd?: number;
}

/** One model call, as recorded in the turn trace. */
export interface LlmCall {
  purpose: string;
  provider: string;
  modelId: string;
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  attempt: number;
  agentId?: string;
  /** The router's attempts for this call (a failover shows the failed model first). */
  attempts?: ModelAttempt[];
}

/** A sentence-level statement with the passages that support it. */
export interface Claim {
  text: string;
  passageIds: string[];
}

export interface AgentFinding {
  agentId: string;
  claims: Claim[];
  /** Passages the agent saw, so synthesis can number citations without re-reading the log. */
  passages: Passage[];
  confidence: number;
  llmCall: LlmCall;
  /** Wall-clock bounds of the agent's work (the agents stage spans the earliest start to the last end). */
  startedAt: string;
  finishedAt: string;
}

/** A numbered citation in a delivered answer (`[1]` in the text refers to `index: 1`). */
export interface Citation {
  index: number;
  passageId: string;
  source: RetrievalSource;
  documentId: string;
  title: string;
  url: string | null;
  snippet: string;
}

export interface SynthesizedAnswer {
  text: string;
  citations: Citation[];
  confidence: number;
  /** True when nothing relevant was found and the answer says so. */
  noAnswer: boolean;
  /** A label the customer should see with the answer (for example: written by the offline model). */
  notice: string | null;
  llmCall: LlmCall;
}

export const Verdict = { pass: 'pass', warn: 'warn', fail: 'fail' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface QaCheck {
  check: string;
  verdict: Verdict;
  detail: string;
}

export interface QaResult {
  outcome: 'pass' | 'escalate';
  reason: string | null;
  checks: QaCheck[];
  /** The answer after redaction/removal of unsupported sentences. */
  answer: SynthesizedAnswer;
}

export interface StageTiming {
  stage: Stage;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: 'ok' | 'degraded' | 'failed' | 'skipped';
}

export const TurnStatus = {
  running: 'running',
  awaitingReview: 'awaiting_review',
  completed: 'completed',
  failed: 'failed',
} as const;
export type TurnStatus = (typeof TurnStatus)[keyof typeof TurnStatus];

export const ConversationStatus = {
  active: 'active',
  awaitingReview: 'awaiting_review',
  humanTakeover: 'human_takeover',
  closed: 'closed',
} as const;
export type ConversationStatus = (typeof ConversationStatus)[keyof typeof ConversationStatus];

/** The finished turn, as returned by `POST /api/chat?wait=true` and the turn workflow. */
export interface TurnResult {
  turnId: string;
  status: TurnStatus;
  answer: string;
  citations: Citation[];
  confidence: number;
  agents: string[];
  escalated: boolean;
  escalationId?: string;
  costUsd: number;
  /** A label shown with the answer, e.g. that the offline extractive model wrote it. */
  notice?: string;
}

/** An event as appended by an activity (the log assigns `seq`). */
export interface NewConversationEvent {
  type: EventType;
  turnId: string;
  at: string;
  payload: Record<string, unknown>;
}

/** An event as read from the per-conversation log: `seq` starts at 1 and has no gaps. */
export interface ConversationEvent extends NewConversationEvent {
  seq: number;
  conversationId: string;
}
