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
  /** Passages held back from the agents because they carry prompt-injection patterns (with the reasons). */
  quarantined?: { passageId: string; title: string; reasons: string[] }[];
}

export const Complexity = { simple: 'simple', moderate: 'moderate', complex: 'complex' } as const;
export type Complexity = (typeof Complexity)[keyof typeof Complexity];

export interface AgentChoice {
  agentId: string;
  score: number;
  reason: string;
  /** The agent's team (`technical`, `business`, `analysis`, `customer`, `product`, `industry`). */
  team?: string;
  /** The catalog version of the agent when the turn was routed; the turn runs with it. */
  version?: number;
}

/** The most sensitive kind of information a question touches. */
export const Sensitivity = {
  none: 'none',
  personalData: 'personal-data',
  financial: 'financial',
  legal: 'legal',
  security: 'security',
  health: 'health',
} as const;
export type Sensitivity = (typeof Sensitivity)[keyof typeof Sensitivity];

/** Which routing strategy made the decision. */
export const RoutingStrategy = { llm: 'llm', classifier: 'classifier', keyword: 'keyword' } as const;
export type RoutingStrategy = (typeof RoutingStrategy)[keyof typeof RoutingStrategy];

/** A topic of a chosen agent's escalation rules that the question matches: it always needs a human. */
export interface HumanRequiredTopic {
  agentId: string;
  topic: string;
}

/** Output of the route stage. */
export interface RouteDecision {
  intent: string;
  complexity: Complexity;
  language: string;
  /** Agents in the router's order, primary first; empty when `outOfScope`. */
  agents: AgentChoice[];
  confidence: number;
  wantsHuman: boolean;
  sensitivity?: Sensitivity;
  /** The question is outside what the assistant answers (decline politely or offer a human). */
  outOfScope?: boolean;
  strategy?: RoutingStrategy;
  /** Version of the model or catalog that decided (classifier content hash, LLM model id). */
  routerVersion?: string;
  /** Escalation-rule topics of the chosen agents that the question matches. */
  humanRequiredTopics?: HumanRequiredTopic[];
  /** Instructions aimed at the assistant were found in the question and ignored for routing. */
  injectionIgnored?: boolean;
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

/** Points at one claim of one agent's finding (the index is the claim's position in `AgentFinding.claims`). */
export interface ClaimRef {
  agentId: string;
  claimIndex: number;
  text: string;
}

/** What an agent does with the blackboard in the second round. */
export const StanceKind = { confirm: 'confirm', refine: 'refine', contest: 'contest' } as const;
export type StanceKind = (typeof StanceKind)[keyof typeof StanceKind];

/**
 * One agent's position on the shared blackboard: `confirm` another agent's claim from its own evidence,
 * `refine` its own finding (a claim added or replaced, with citations), or `contest` another agent's claim
 * with a counter-claim and the passages that state it.
 */
export interface Stance {
  /** The agent that takes the stance. */
  agentId: string;
  kind: StanceKind;
  /** The claim confirmed or contested (another agent's), or the own claim a refinement replaces; null when a refinement adds. */
  target: ClaimRef | null;
  /** The counter-claim (contest) or the new claim (refine); null for a confirmation. */
  claim: Claim | null;
  /** Evidence: ids of passages the agent was given. */
  passageIds: string[];
  reason: string;
}

/** What the admin dashboard stores per agent invocation (one finding is one invocation). */
export interface AgentMetrics {
  /** Wall-clock time of the agent's activities (both rounds when it reviewed). */
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  confidence: number;
  claims: number;
  needsHuman: boolean;
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
  /** A short answer in the agent's own voice, built from its claims (cited `[n]` by passage position in `passages`). */
  draft: string;
  /** The agent thinks a human must look (an escalation rule of its catalog entry matched, or its evidence is too thin). */
  needsHuman: boolean;
  needsHumanReason: string | null;
  /** 1 after drafting; 2 after the blackboard review. */
  round: 1 | 2;
  metrics: AgentMetrics;
  /** Round 2 only: the agent's stances on the blackboard. */
  stances?: Stance[];
  /** Round 2 only: the review's model call, when the review asked a model (the offline review asks none). */
  reviewCall?: LlmCall;  /** The catalog version the agent ran with (absent when it ran with the repository file's definition). */
  agentVersion?: number;
}

export const ContradictionKind = { number: 'number', negation: 'negation', yesNo: 'yes-no' } as const;
export type ContradictionKind = (typeof ContradictionKind)[keyof typeof ContradictionKind];

/** One side of a contradiction: the claims (of one or more agents) that say the same thing. */
export interface ContradictionPosition {
  /** The position's wording (its first claim in routing order). */
  text: string;
  claims: ClaimRef[];
  agentIds: string[];
  passageIds: string[];
  /** The freshest `updatedAt` of the position's passages. */
  updatedAt: string | null;
}

/**
 * Two positions of different agents that cannot both be true. `resolved`: the evidence picks `winner` (the
 * loser is left out of the answer) and `reason` says why; `surfaced`: nothing decides, QA must look.
 */
export interface Contradiction {
  kind: ContradictionKind;
  /** The words both positions share (what they disagree about). */
  subject: string;
  positions: [ContradictionPosition, ContradictionPosition];
  status: 'resolved' | 'surfaced';
  winner: 0 | 1 | null;
  reason: string;
}

/** The parts of an answer's confidence (see `activities/synthesis/confidence.ts` for the formula). */
export interface ConfidenceBreakdown {
  agreement: number;
  retrieval: number;
  coverage: number;
  contradictionPenalty: number;
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
  /** Contradictions between agents: resolved ones (with the reason) and surfaced ones QA must weigh. */
  contradictions?: Contradiction[];
  /** The components of `confidence`, shown in the trace. */
  confidenceBreakdown?: ConfidenceBreakdown;
  /** Agents that asked for a human, with their reasons (QA decides whether to escalate). */
  humanRequests?: { agentId: string; reason: string }[];
}

export const Verdict = { pass: 'pass', warn: 'warn', fail: 'fail' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** One piece of evidence behind a QA verdict; never holds raw PII (values are described or redacted). */
export interface QaEvidence {
  /** What the evidence is about, e.g. `pii`, `rule:legal-threat`, `sentence`, `passage`. */
  kind: string;
  message: string;
  /** The text it concerns (a sentence, a passage id, a redacted excerpt), when there is one. */
  excerpt?: string;
}

export interface QaCheck {
  check: string;
  verdict: Verdict;
  detail: string;
  /** Why the check decided as it did (see `activities/qa/`). Absent on checks recorded before evidence existed. */
  evidence?: QaEvidence[];
}

export interface QaResult {
  outcome: 'pass' | 'escalate';
  reason: string | null;
  /** Every escalation reason, most important first (`reason` is the first); empty when the outcome is pass. */
  reasons?: string[];
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

/** An agent that worked on a turn, in the router's order (primary first). */
export interface TurnAgent {
  id: string;
  team: string | null;
  score: number;
  reason: string;
  /** The catalog version the turn used (edits apply to later turns only). */
  version?: number;
}

/** Agent ids of a turn result; results recorded before `TurnAgent` existed hold plain ids. */
export function agentIdsOf(agents: readonly (TurnAgent | string)[]): string[] {
  return agents.map((agent) => (typeof agent === 'string' ? agent : agent.id));
}

/** The finished turn, as returned by `POST /api/chat?wait=true` and the turn workflow. */
export interface TurnResult {
  turnId: string;
  status: TurnStatus;
  answer: string;
  citations: Citation[];
  confidence: number;
  /** In the router's order, primary first; empty for an out-of-scope question. */
  agents: TurnAgent[];
  /** The question is outside what the assistant answers; `answer` declines or offers a person. */
  outOfScope?: boolean;
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
