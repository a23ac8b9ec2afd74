import type { SecurityStore } from './security-queries.js';
import type { AgentDefinition } from '../agents/catalog.js';
import type { KnowledgeSourceStore } from '../knowledge/sources/knowledge-source-store.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import type { NewRoutingModel, StoredRoutingModel } from '../routing/model-store.js';
import type { ConfirmedTurn } from '../routing/training-data.js';
import type {
  Citation,
  ConversationStatus,
  LlmCall,
  Passage,
  QaCheck,
  RouteDecision,
  SourceResult,
  StageTiming,
  TurnStatus,
} from '../../domain/types.js';

export interface ConversationRecord {
  id: string;
  tenantId: string;
  customerId: string | null;
  status: ConversationStatus;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  turnId: string;
  role: 'user' | 'assistant' | 'human_agent';
  content: string;
  citations: Citation[];
  confidence: number | null;
  createdAt: string;
}

/** A turn with its trace (what the debug console and `GET …/turns/:turnId` show). */
export interface TurnRecord {
  id: string;
  conversationId: string;
  turnNumber: number;
  workflowId: string;
  status: TurnStatus;
  stages: StageTiming[];
  route: RouteDecision | null;
  retrieval: (Omit<SourceResult, 'passages'> & { hits: number })[];
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

export interface KnowledgeDocumentInput {
  id: string;
  tenantId: string;
  sourceId: string;
  title: string;
  url: string | null;
  /** Hash of the document body, for change detection. */
  contentHash: string;
  updatedAt: string;
  chunks: { id: string; ordinal: number; heading: string | null; text: string }[];
  /** Agent knowledge scopes of the document (`knowledge:<topic>`, `web:<host>`); default none. */
  scopes?: string[];
  /**
   * The embedding model its vectors were made with (`provider/modelId/dimensions`), when it was indexed into a
   * vector store. Absent: a lexical-only write, which keeps whatever model the stored row names.
   */
  embeddingModel?: string;
}

/** What the store knows of one indexed document: enough to decide whether re-indexing may be skipped. */
export interface KnowledgeDocumentState {
  tenantId: string;
  contentHash: string;
  embeddingModel: string | null;
  chunkCount: number;
}

/** A stored document with its chunks, as re-embedding reads it. */
export interface StoredKnowledgeDocument {
  id: string;
  tenantId: string;
  sourceId: string;
  title: string;
  url: string | null;
  scopes: string[];
  updatedAt: string;
  contentHash: string;
  embeddingModel: string | null;
  chunks: { ordinal: number; heading: string | null; text: string }[];
}

/** Filters of a knowledge search; `tenantId` is mandatory. */
export interface KnowledgeSearchInput {
  tenantId: string;
  query: string;
  limit: number;
  /** Only documents carrying at least one of these scopes. */
  scopes?: string[];
  /** Only documents of these sources. */
  sourceIds?: string[];
}

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  sourceId: string;
  title: string;
  url: string | null;
  heading: string | null;
  text: string;
  score: number;
  updatedAt: string;
}

export type EscalationStatus = 'pending' | 'approved' | 'edited' | 'rejected' | 'timed_out';

export interface EscalationRecord {
  id: string;
  conversationId: string;
  turnId: string;
  tenantId: string;
  /** The team of the primary agent: the reviewer queue filters on it. */
  team: string | null;
  question: string;
  agents: string[];
  reason: string;
  /** The QA checks that led here, with their evidence. */
  evidence: QaCheck[];
  draftAnswer: string;
  status: EscalationStatus;
  assignee: string | null;
  reviewer: string | null;
  finalAnswer: string | null;
  note: string | null;
  reminders: number;
  createdAt: string;
  /** SLA: when reviewers are reminded next, and the final deadline. */
  remindAt: string | null;
  deadlineAt: string | null;
  resolvedAt: string | null;
}

export type NewEscalation = Pick<EscalationRecord, 'id' | 'conversationId' | 'turnId' | 'reason' | 'draftAnswer'> &
  Partial<Pick<EscalationRecord, 'tenantId' | 'team' | 'question' | 'agents' | 'evidence' | 'assignee' | 'remindAt' | 'deadlineAt'>>;

export interface EscalationFilter {
  tenantId?: string;
  status?: EscalationStatus;
  /** Substring of the reason, case-insensitive. */
  reason?: string;
  team?: string;
  /** Only escalations at least this old. */
  olderThanMs?: number;
  limit?: number;
}

export interface EscalationStats {
  turns: number;
  escalated: number;
  rate: number;
  reasons: { reason: string; count: number }[];
  outcomes: Record<string, number>;
  timeToDecisionMs: { p50: number | null; p95: number | null };
}

/** One day of turns (UTC) for the admin dashboard. */
export interface DailyOverview {
  date: string;
  conversations: number;
  turns: number;
  resolved: number;
  escalated: number;
  /** Follow-up turns: the customer wrote again in the same conversation. */
  reopened: number;
  failed: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  costUsd: number;
  costPerConversationUsd: number;
}

/** One entry of the append-only audit log. */
export interface AuditEntry {
  id: string;
  tenantId: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown>;
  at: string;
}

/** An agent at its current (or a requested) version. */
export interface AgentRecord {
  id: string;
  team: string;
  version: number;
  enabled: boolean;
  definition: AgentDefinition;
  /** `seed` for the repository file's versions, else who saved the version. */
  editedBy: string;
  updatedAt: string;
}

export interface AgentVersionRecord {
  id: string;
  version: number;
  definition: AgentDefinition;
  editedBy: string;
  note: string | null;
  createdAt: string;
}

export interface SeedCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Agents whose file definition changed but an editor's version is current: the edit wins. */
  keptEdited: number;
}

/** One agent's work on one turn (round 1 drafts, round 2 reviews), for the per-agent metrics. */
export interface AgentRunRecord {
  turnId: string;
  agentId: string;
  round: number;
  conversationId: string;
  tenantId: string;
  agentVersion: number | null;
  outcome: 'ok' | 'failed';
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  confidence: number | null;
}

export interface AgentMetricsRow {
  agentId: string;
  invocations: number;
  failures: number;
  averageLatencyMs: number;
  p95LatencyMs: number;
  tokens: number;
  costUsd: number;
  averageConfidence: number | null;
  /** Turns of this agent whose answer a reviewer edited or rejected. */
  humanOverrides: number;
}

/**
 * The relational store (PostgreSQL or PGlite, one set of migrations). Every write is idempotent:
 * keyed by conversation id, turn id or a derived message id, so activity retries never duplicate rows.
 */
export interface Store {
  /** Knowledge sources, uploads, document listings and sync state (`activities/knowledge/sources/`). */
  readonly knowledgeSources: KnowledgeSourceStore;
  /** Webhook endpoints, events, deliveries and their attempt log (`activities/webhooks/`). */
  readonly webhooks: WebhookStore;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /** API keys and paged audit reads (`security-queries.ts`). */
  security(): SecurityStore;
  close(): Promise<void>;

  ensureConversation(input: {
    id: string;
    tenantId: string;
    customerId: string | null;
    metadata?: Record<string, unknown>;
  }): Promise<ConversationRecord>;
  setConversationStatus(id: string, status: ConversationStatus): Promise<void>;
  getConversation(id: string): Promise<{ conversation: ConversationRecord; messages: MessageRecord[]; turns: TurnRecord[] } | null>;

  /** Inserts the message once; a second call with the same `id` returns the stored row unchanged. */
  saveMessage(input: Omit<MessageRecord, 'createdAt'>): Promise<MessageRecord>;

  /** Creates the turn row if absent (status `running`). */
  startTurn(input: { id: string; conversationId: string; turnNumber: number; workflowId: string }): Promise<void>;
  /** Upserts one stage timing by (turn, stage). */
  recordStage(turnId: string, timing: StageTiming): Promise<void>;
  /** Merges trace fields into the turn (each field replaced when given). */
  updateTurn(
    turnId: string,
    patch: Partial<Pick<TurnRecord, 'status' | 'route' | 'retrieval' | 'retrievalHits' | 'agents' | 'llmCalls' | 'qa' | 'escalated' | 'escalationId' | 'confidence' | 'costUsd' | 'finishedAt'>>,
  ): Promise<void>;
  getTurn(turnId: string): Promise<TurnRecord | null>;

  /** Earlier messages of this customer in other conversations of the tenant, newest first. */
  getCustomerHistory(input: {
    tenantId: string;
    customerId: string;
    excludeConversationId: string;
    limit: number;
  }): Promise<MessageRecord[]>;

  /** Inserts or replaces a document and its chunks (skips the write when `contentHash` is unchanged). */
  upsertKnowledgeDocument(input: KnowledgeDocumentInput): Promise<'inserted' | 'updated' | 'unchanged'>;
  countKnowledgeDocuments(tenantId: string): Promise<number>;
  /** Full-text search over chunks of one tenant, best first, optionally limited to scopes and sources. */
  searchKnowledge(input: KnowledgeSearchInput): Promise<KnowledgeHit[]>;
  /** The stored state of one document (any tenant: document ids are global), or `null`. */
  getKnowledgeDocumentState(documentId: string): Promise<KnowledgeDocumentState | null>;
  /** Deletes these documents of the tenant with their chunks; returns how many documents went. */
  deleteKnowledgeDocuments(input: { tenantId: string; documentIds: string[] }): Promise<number>;
  /** Ids (any tenant, by id, after `afterId`) of documents whose vectors were not made with `embeddingModel`. */
  listKnowledgeDocumentsToEmbed(input: { embeddingModel: string; limit: number; afterId?: string }): Promise<string[]>;
  /** How many documents (any tenant) still need vectors from `embeddingModel`. */
  countKnowledgeDocumentsToEmbed(embeddingModel: string): Promise<number>;
  /** One document with its chunks in order (any tenant), or `null`. */
  getKnowledgeDocumentWithChunks(documentId: string): Promise<StoredKnowledgeDocument | null>;
  /** Records the model of the document's vectors while its content is still `contentHash`; true when recorded. */
  markKnowledgeDocumentEmbedded(input: { documentId: string; contentHash: string; embeddingModel: string }): Promise<boolean>;

  /** Inserts the escalation once (a retried insert returns the stored row). */
  createEscalation(input: NewEscalation): Promise<EscalationRecord>;
  getEscalation(id: string): Promise<EscalationRecord | null>;
  /** Resolves a pending escalation; the first decision wins. */
  resolveEscalation(input: {
    id: string;
    status: Exclude<EscalationStatus, 'pending'>;
    reviewer: string | null;
    finalAnswer: string | null;
    note?: string | null;
  }): Promise<void>;
  assignEscalation(input: { id: string; assignee: string | null; team?: string }): Promise<void>;
  recordReminder(input: { id: string; reminders: number; nextRemindAt: string | null }): Promise<void>;
  listEscalations(filter: EscalationFilter): Promise<EscalationRecord[]>;
  escalationStats(input: { since: string; tenantId?: string }): Promise<EscalationStats>;

  /** Conversations of a tenant, most recently active first. */
  listConversations(filter: { tenantId: string; customerId?: string; limit?: number }): Promise<ConversationRecord[]>;
  /** Daily volume, outcomes, latency and cost since a time. */
  dailyOverview(input: { since: string; tenantId: string }): Promise<DailyOverview[]>;

  /** Appends to the audit log; a repeated `idempotencyKey` is a no-op. */
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'> & { idempotencyKey?: string }): Promise<void>;
  listAudit(filter: { tenantId?: string; subjectType?: string; subjectId?: string; limit?: number }): Promise<AuditEntry[]>;

  /** Loads the repository catalog (see `agent-queries.ts` for the rules). */
  seedAgents(definitions: readonly AgentDefinition[]): Promise<SeedCounts>;
  /** Every agent at its current version, by team then id. */
  listAgents(): Promise<AgentRecord[]>;
  getAgent(id: string, version?: number): Promise<AgentRecord | null>;
  listAgentVersions(id: string): Promise<AgentVersionRecord[]>;
  /** Appends a version (no-op when unchanged); `expectedVersion` guards against lost updates (`Conflict`). */
  saveAgentVersion(input: { definition: AgentDefinition; editedBy: string; note?: string; expectedVersion?: number }): Promise<AgentRecord>;
  setAgentEnabled(id: string, enabled: boolean): Promise<boolean>;
  recordAgentRuns(runs: readonly AgentRunRecord[]): Promise<void>;
  agentMetrics(input: { since: string; tenantId?: string }): Promise<AgentMetricsRow[]>;

  /** Stores a routing model version (see `activities/routing/model-store.ts`); `false` when it was already stored. */
  saveRoutingModel(input: NewRoutingModel): Promise<boolean>;
  markRoutingModelCurrent(input: { tenantId: string; version: string }): Promise<void>;
  loadCurrentRoutingModel(tenantId: string): Promise<StoredRoutingModel | null>;
  currentRoutingModelVersion(tenantId: string): Promise<string | null>;
  /** Questions of approved or edited escalations of the tenant, labelled with their primary agent. */
  listConfirmedTurns(input: { tenantId: string; limit?: number }): Promise<ConfirmedTurn[]>;
}
