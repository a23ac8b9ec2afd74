/**
 * The API's wire contract, as the web app reads it. These mirror `domain/types.ts`,
 * `activities/persistence/store.ts` and `api/websocket-connection.ts` of the API: the web app is its own
 * package and depends on the JSON the API sends, not on the server's modules.
 */

export type RetrievalSource = 'knowledge' | 'web' | 'history';
export type Stage = 'route' | 'retrieve' | 'agents' | 'synthesize' | 'qa' | 'review' | 'deliver';
export type TurnStatus = 'running' | 'awaiting_review' | 'completed' | 'failed';
export type ConversationStatus = 'active' | 'awaiting_review' | 'human_takeover' | 'closed';

export const EventType = {
  turnStarted: 'turn-started',
  stageStarted: 'stage-started',
  stageFinished: 'stage-finished',
  agentStarted: 'agent-started',
  agentFinished: 'agent-finished',
  tokenDelta: 'token-delta',
  streamReset: 'stream-reset',
  escalationCreated: 'escalation-created',
  escalationResolved: 'escalation-resolved',
  escalationAssigned: 'escalation-assigned',
  escalationReminder: 'escalation-reminder',
  humanMessage: 'human-message',
  customerMessage: 'customer-message',
  conversationStatus: 'conversation-status',
  turnFinished: 'turn-finished',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface Citation {
  index: number;
  passageId: string;
  source: RetrievalSource;
  documentId: string;
  title: string;
  url: string | null;
  snippet: string;
}

export interface Passage {
  id: string;
  source: RetrievalSource;
  documentId: string;
  title: string;
  url: string | null;
  text: string;
  score: number;
  updatedAt: string | null;
  untrusted: boolean;
}

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
  notice?: string;
}

export interface ChatAccepted {
  conversationId: string;
  turnId: string;
  workflowId: string;
  turnWorkflowId: string;
}

export interface ConversationRecord {
  id: string;
  tenantId: string;
  customerId: string | null;
  status: ConversationStatus;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export type MessageRole = 'user' | 'assistant' | 'human_agent';

export interface MessageRecord {
  id: string;
  conversationId: string;
  turnId: string;
  role: MessageRole;
  content: string;
  citations: Citation[];
  confidence: number | null;
  createdAt: string;
}

export interface StageTiming {
  stage: Stage;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: 'ok' | 'degraded' | 'failed' | 'skipped';
}

export interface AgentChoice {
  agentId: string;
  score: number;
  reason: string;
}

export interface RouteDecision {
  intent: string;
  complexity: 'simple' | 'moderate' | 'complex';
  language: string;
  agents: AgentChoice[];
  confidence: number;
  wantsHuman: boolean;
}

export interface ModelAttempt {
  provider: string;
  modelId: string;
  outcome: 'ok' | 'failed' | 'skipped';
  reason: string;
  latencyMs: number;
  usage?: { inputTokens: number; outputTokens: number };
  costUsd?: number;
}

export interface LlmCall {
  purpose: string;
  provider: string;
  modelId: string;
  usage: { inputTokens: number; outputTokens: number };
  costUsd: number;
  latencyMs: number;
  attempt: number;
  agentId?: string;
  attempts?: ModelAttempt[];
}

export interface QaCheck {
  check: string;
  verdict: 'pass' | 'warn' | 'fail';
  detail: string;
  evidence?: { kind: string; message: string; excerpt?: string }[];
}

export interface SourceSummary {
  source: RetrievalSource;
  status: 'ok' | 'empty' | 'failed' | 'timeout' | 'disabled';
  durationMs: number;
  hits: number;
  detail?: string;
}

/** `GET /api/conversations/:id/turns/:turnId`: the turn and its trace. */
export interface TurnRecord {
  id: string;
  conversationId: string;
  turnNumber: number;
  workflowId: string;
  status: TurnStatus;
  stages: StageTiming[];
  route: RouteDecision | null;
  retrieval: SourceSummary[];
  retrievalHits: Passage[];
  agents: string[];
  llmCalls: LlmCall[];
  qa: QaCheck[];
  escalated: boolean;
  escalationId: string | null;
  confidence: number | null;
  costUsd: number;
  createdAt: string;
  finishedAt: string | null;
}

/** `GET /api/conversations/:id`. */
export interface ConversationDetail {
  conversation: ConversationRecord;
  messages: MessageRecord[];
  turns: TurnRecord[];
}

export interface TurnState {
  turnId: string;
  status: TurnStatus;
  stage: Stage | null;
  agents: { agentId: string; status: 'pending' | 'running' | 'finished' | 'failed' }[];
  answer: string | null;
  citations: Citation[];
  confidence: number | null;
  costUsd: number;
  escalationId: string | null;
}

/** The live snapshot (`GET /api/conversations/:id/state`, and the WebSocket's `snapshot` frame). */
export interface ConversationSnapshot {
  conversationId: string;
  status: ConversationStatus;
  turnCount: number;
  queuedTurns: number;
  activeTurn: { turnId: string; turnNumber: number; workflowId: string } | null;
  lastTurn: TurnResult | null;
  totalCostUsd: number;
  agentsUsed: string[];
  activeTurnState: TurnState | null;
}

export interface ConversationEvent {
  seq: number;
  conversationId: string;
  type: EventType;
  turnId: string;
  at: string;
  payload: Record<string, unknown>;
}

/** Frames of `/api/ws/agent-tracking`. */
export type ServerFrame =
  | { type: 'snapshot'; conversationId: string; state: ConversationSnapshot | null; lastSeq: number; logReset?: true }
  | { type: 'event'; event: ConversationEvent }
  | { type: 'unsubscribed'; conversationId: string }
  | { type: 'error'; error: { code: string; message: string }; conversationId?: string };
