/**
 * Every signal, update and query of the conversation and turn workflows, with their input and result
 * types. The API and operators import these definitions; the workflows implement them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Stage } from '../domain/constants.js';
import type { Citation, ConversationStatus, RouteDecision, TurnResult, TurnStatus } from '../domain/types.js';
import type { IngestionProgress, KnowledgeSourceKind } from '../domain/knowledge.js';

/** Arguments of `conversationWorkflow` (also carried across continue-as-new). */
export interface ConversationInput {
  conversationId: string;
  tenantId: string;
  customerId: string | null;
  /** Carried over by continue-as-new; absent on the first run. */
  carried?: ConversationCarry;
  /** Turns per run before continue-as-new (default 100); tests lower it. */
  maxTurnsPerRun?: number;
}

/** The small summary a conversation keeps in workflow state (text lives in Postgres). */
export interface ConversationCarry {
  turnCount: number;
  totalCostUsd: number;
  agentsUsed: string[];
  lastTurn: TurnResult | null;
  status: ConversationStatus;
  pending: PendingMessage[];
  pendingEscalation: { turnId: string; escalationId: string; decidedBy?: string } | null;
  escalated: boolean;
  /** Replies written by people (take-over or review); numbers their message ids. */
  humanReplies?: number;
  /** Customer messages received during a take-over (stored and shown to the person, not answered by the AI). */
  customerMessages?: number;
}

export interface PendingMessage {
  turnId: string;
  turnNumber: number;
  message: string;
  metadata: Record<string, unknown>;
}

export interface SendMessageInput {
  message: string;
  metadata?: Record<string, unknown>;
  /**
   * Refuse the message (`TooManyPendingTurns`) when this many turns already run or wait. Checked by the update's
   * validator, so concurrent senders (several API processes) cannot slip past it together.
   */
  maxPendingTurns?: number;
}
export interface SendMessageResult {
  /** The turn's id; for a message forwarded to a person, the stored message's id. */
  turnId: string;
  /** 0 when the message was forwarded to a person (no turn runs). */
  turnNumber: number;
  turnWorkflowId: string;
  /** Set while a person has taken the conversation over: the message went to them, the assistant stays quiet. */
  forwardedToPerson?: true;
}
/** Accepts a user message; returns at once with the turn's id (the turn runs after earlier turns). */
export const sendMessage = defineUpdate<SendMessageResult, [SendMessageInput]>('sendMessage');

export interface ActiveTurn {
  turnId: string;
  turnNumber: number;
  workflowId: string;
}
export interface ConversationState {
  conversationId: string;
  status: ConversationStatus;
  turnCount: number;
  queuedTurns: number;
  activeTurn: ActiveTurn | null;
  lastTurn: TurnResult | null;
  totalCostUsd: number;
  agentsUsed: string[];
}
export const getState = defineQuery<ConversationState>('getState');

export const ReviewAction = { approve: 'approve', edit: 'edit', reject: 'reject', reassign: 'reassign' } as const;
export type ReviewAction = (typeof ReviewAction)[keyof typeof ReviewAction];
/** Actions that end the review (reassign only changes who reviews). */
export const FINAL_REVIEW_ACTIONS: readonly ReviewAction[] = ['approve', 'edit', 'reject'];
export interface ReviewDecision {
  escalationId: string;
  action: ReviewAction;
  /** approve: ignored; edit: the text sent instead of the draft; reject: an optional message to the customer. */
  answer?: string;
  reviewer: string;
  note?: string;
  /** reassign: who should review instead (a reviewer id or `team:<team>`). */
  assignee?: string;
  /** reject: hand the conversation over to a person instead of answering (the AI stops). */
  handover?: boolean;
}
/** A reviewer's decision on an escalated turn (operators send it from the CLI). */
export const reviewDecision = defineSignal<[ReviewDecision]>('reviewDecision');
/** The same decision as an update: the validator rejects unknown escalations and malformed decisions. */
export const submitReviewDecision = defineUpdate<{ accepted: true }, [ReviewDecision]>('submitReviewDecision');

/** Internal: a turn tells its conversation that it is waiting for a reviewer. */
export const reportEscalation = defineSignal<[{ turnId: string; escalationId: string }]>('reportEscalation');

export const closeConversation = defineSignal<[{ reason?: string }?]>('closeConversation');
/** A human takes the conversation over: the AI stops answering new messages. */
export const takeOver = defineSignal<[{ agent: string }]>('takeOver');
/** Ends a take-over: the AI answers again, starting with messages that queued meanwhile. */
export const releaseConversation = defineSignal<[{ agent: string }]>('releaseConversation');

export interface HumanReplyInput {
  agent: string;
  message: string;
}
/** A person writes to the customer (during a take-over or a review); stored and streamed like any message. */
export const sendHumanReply = defineUpdate<{ messageId: string }, [HumanReplyInput]>('sendHumanReply');

/** Arguments of `turnWorkflow`. */
export interface TurnInput {
  conversationId: string;
  tenantId: string;
  customerId: string | null;
  turnId: string;
  turnNumber: number;
  message: string;
  metadata: Record<string, unknown>;
}

export type AgentStatus = 'pending' | 'running' | 'finished' | 'failed';
export interface TurnState {
  turnId: string;
  status: TurnStatus;
  stage: Stage | null;
  agents: { agentId: string; status: AgentStatus }[];
  /** The route stage's decision (intent, complexity, language, agents with scores and reasons). */
  route?: RouteDecision;
  answer: string | null;
  citations: Citation[];
  confidence: number | null;
  costUsd: number;
  escalationId: string | null;
}
export const getTurnState = defineQuery<TurnState>('getTurnState');

/** Arguments of `ingestSourceWorkflow` (workflow id `knowledge-source-<sourceId>`, one sync of one source). */
export interface IngestSourceInput {
  tenantId: string;
  sourceId: string;
  /** Why it runs (for operators): the source was created, someone asked, the schedule, an upload. */
  reason?: 'created' | 'manual' | 'schedule' | 'upload';
  /** Documents processed at once (default 4). */
  concurrency?: number;
  /** Documents per run before continue-as-new (default 100); tests lower it. */
  maxDocumentsPerRun?: number;
  /** Carried over by continue-as-new; absent on the first run. */
  carried?: IngestSourceCarry;
}

/** A URL waiting to be crawled, with its distance from the start URL. */
export interface CrawlItem {
  url: string;
  depth: number;
}

/** The state of a sync across continue-as-new: small (URLs, counters), never document text. */
export interface IngestSourceCarry {
  syncId: string;
  kind: KnowledgeSourceKind;
  progress: IngestionProgress;
  maxDepth: number;
  maxPages: number;
  queue: CrawlItem[];
  /** Every URL queued or crawled so far in this sync (upload sources: upload ids attempted). */
  seen: string[];
}

/** Progress of the sync (the source view shows it while the sync runs). */
export const getIngestionProgress = defineQuery<IngestionProgress>('getIngestionProgress');
/** A file was uploaded to this (upload) source: ingest it in this sync, before finishing. */
export const uploadAdded = defineSignal<[{ uploadId: string }]>('uploadAdded');

/** Arguments of `scheduledSourceSyncWorkflow`, which a source's Schedule starts. */
export interface ScheduledSourceSyncInput {
  tenantId: string;
  sourceId: string;
}
