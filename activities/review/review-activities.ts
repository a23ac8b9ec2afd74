/**
 * Human review: escalations (created, reassigned, reminded, resolved), the reviewers' live feed, the audit
 * trail of every decision, curated answers from approved reviews, and replies written by people. Every write
 * is keyed (escalation id, reminder number, message id), so retries change nothing.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_TENANT_ID, EventType, reviewerFeedId } from '../../domain/constants.js';
import { agentIdsOf, type QaCheck, type SynthesizedAnswer, type TurnAgent, type TurnResult } from '../../domain/types.js';
import { TurnStatus } from '../../domain/types.js';
import { findAgent } from '../agents/catalog.js';
import type { ActivityDependencies } from '../dependencies.js';
import { indexDepsOf, indexDocument } from '../knowledge/index-document.js';
import { publishEvent, type TurnRef } from '../events/publisher.js';
import { createWebhookDispatcher } from '../webhooks/dispatch.js';
import { escalationReasonCode } from '../metrics/turn-metrics.js';
import type { EscalationStatus } from '../persistence/store.js';

export interface CreateEscalationInput extends TurnRef {
  escalationId: string;
  reason: string;
  draft: SynthesizedAnswer;
  holdingMessage: string;
  /** The turn's agents (ids in runs recorded before `TurnAgent` existed). */
  agents: (TurnAgent | string)[];
  tenantId?: string;
  question?: string;
  team?: string | null;
  evidence?: QaCheck[];
  remindAt?: string | null;
  deadlineAt?: string | null;
}

export interface ResolveEscalationInput extends TurnRef {
  escalationId: string;
  status: Exclude<EscalationStatus, 'pending'>;
  reviewer: string | null;
  finalAnswer: string | null;
  tenantId?: string;
  note?: string | null;
  /** The customer's question and the delivered text: an approved or edited answer becomes a curated answer. */
  question?: string;
  draftAnswer?: string;
  handedOver?: boolean;
}

export interface ReassignEscalationInput extends TurnRef {
  escalationId: string;
  tenantId: string;
  reviewer: string;
  assignee: string;
  note?: string;
}

export interface RemindReviewersInput extends TurnRef {
  escalationId: string;
  tenantId: string;
  reminders: number;
  nextRemindAt: string | null;
  deadlineAt: string;
}

export interface DeliverHumanReplyInput {
  conversationId: string;
  tenantId: string;
  messageId: string;
  agent: string;
  message: string;
}

/** Knowledge source of answers reviewers approved or wrote: retrieval finds them for similar questions. */
export const CURATED_SOURCE_ID = 'curated-answers';

const withoutCitationMarkers = (text: string): string => text.replace(/\s*\[\d+\]/g, '').trim();

/**
 * An approved or edited answer becomes a curated knowledge document (`curated:<escalationId>`) that retrieval
 * finds for similar questions: into both retrievers when the worker has knowledge services, else lexical only.
 */
export async function curateReviewedAnswer(dependencies: Pick<ActivityDependencies, 'store' | 'knowledge'>, input: ResolveEscalationInput, tenantId: string): Promise<void> {
  const { store, knowledge } = dependencies;
  if ((input.status !== 'approved' && input.status !== 'edited') || input.question === undefined || input.finalAnswer === null) return;
  const answer = withoutCitationMarkers(input.finalAnswer);
  const text = `${input.question.trim()}\n\n${answer}`;
  const id = `curated:${input.escalationId}`;
  const title = `Reviewed answer: ${input.question.trim().slice(0, 120)}`;
  const updatedAt = new Date().toISOString();
  if (knowledge !== undefined) {
    // Into both retrievers, like any other document (and never embedded twice: the content hash decides).
    await indexDocument(indexDepsOf(dependencies), { tenantId, sourceId: CURATED_SOURCE_ID, documentId: id, title, url: null, markdown: text, scopes: [], updatedAt });
    return;
  }
  await store.upsertKnowledgeDocument({
    id,
    tenantId,
    sourceId: CURATED_SOURCE_ID,
    title,
    url: null,
    contentHash: createHash('sha256').update(text).digest('hex'),
    updatedAt,
    chunks: [{ id: `${id}#0`, ordinal: 0, heading: null, text }],
  });
}

export function createReviewActivities(dependencies: ActivityDependencies) {
  const { store, eventLog, logger } = dependencies;
  const dispatchWebhookEvent = createWebhookDispatcher(dependencies);
  /** Publishes to the conversation's log and to the tenant's reviewer feed (each deduplicated). */
  async function publishBoth(turn: TurnRef, tenantId: string, type: EventType, payload: Record<string, unknown>, once: string): Promise<void> {
    await publishEvent(eventLog, turn, type, payload, once);
    await publishEvent(eventLog, { conversationId: reviewerFeedId(tenantId), turnId: turn.turnId }, type, { ...payload, conversationId: turn.conversationId }, once);
  }

  return {
    /** Stores the escalation, marks the turn as awaiting review, tells the customer and the reviewers. */
    async createEscalation(input: CreateEscalationInput): Promise<TurnResult> {
      const tenantId = input.tenantId ?? DEFAULT_TENANT_ID;
      await store.createEscalation({
        id: input.escalationId,
        conversationId: input.conversationId,
        turnId: input.turnId,
        reason: input.reason,
        draftAnswer: input.draft.text,
        tenantId,
        team: input.team ?? findAgent(agentIdsOf(input.agents)[0] ?? '')?.team ?? null,
        question: input.question ?? '',
        agents: agentIdsOf(input.agents),
        evidence: input.evidence ?? [],
        remindAt: input.remindAt ?? null,
        deadlineAt: input.deadlineAt ?? null,
      });
      await store.updateTurn(input.turnId, { status: TurnStatus.awaitingReview, escalated: true, escalationId: input.escalationId });
      await store.setConversationStatus(input.conversationId, 'awaiting_review');
      const result: TurnResult = {
        turnId: input.turnId,
        status: TurnStatus.awaitingReview,
        answer: input.holdingMessage,
        citations: [],
        confidence: input.draft.confidence,
        agents: input.agents.map((agent) => (typeof agent === 'string' ? { id: agent, team: findAgent(agent)?.team ?? null, score: 0, reason: '' } : agent)),
        escalated: true,
        escalationId: input.escalationId,
        costUsd: 0,
      };
      const payload = { escalationId: input.escalationId, reason: input.reason, deadlineAt: input.deadlineAt ?? null, result };
      await publishBoth(input, tenantId, EventType.escalationCreated, payload, input.escalationId);
      const { result: _result, ...created } = payload;
      await dispatchWebhookEvent({ type: EventType.escalationCreated, conversationId: input.conversationId, tenantId, key: input.escalationId, data: { turnId: input.turnId, question: input.question ?? null, draftAnswer: input.draft.text, ...created } });
      dependencies.metrics?.escalationCreated({ escalationId: input.escalationId, reason: escalationReasonCode(input.reason) });
      return result;
    },

    /** Records the decision (or the timeout), audits it, curates approved answers, tells everyone. */
    async resolveEscalation(input: ResolveEscalationInput): Promise<void> {
      const tenantId = input.tenantId ?? DEFAULT_TENANT_ID;
      await store.resolveEscalation({ id: input.escalationId, status: input.status, reviewer: input.reviewer, finalAnswer: input.finalAnswer, note: input.note ?? null });
      await store.appendAudit({
        tenantId,
        actor: input.reviewer ?? 'system',
        action: `review.${input.status}`,
        subjectType: 'escalation',
        subjectId: input.escalationId,
        details: { conversationId: input.conversationId, turnId: input.turnId, before: input.draftAnswer ?? null, after: input.finalAnswer, note: input.note ?? null, handedOver: input.handedOver ?? false },
        idempotencyKey: `${input.escalationId}:resolved`,
      });
      await curateReviewedAnswer(dependencies, input, tenantId);
      const payload = { escalationId: input.escalationId, status: input.status, reviewer: input.reviewer, handedOver: input.handedOver ?? false };
      await publishBoth(input, tenantId, EventType.escalationResolved, payload, input.escalationId);
      await dispatchWebhookEvent({ type: EventType.escalationResolved, conversationId: input.conversationId, tenantId, key: input.escalationId, data: { turnId: input.turnId, finalAnswer: input.finalAnswer, ...payload } });
    },

    /** Hands a pending escalation to another reviewer or team (the review keeps waiting). */
    async reassignEscalation(input: ReassignEscalationInput): Promise<void> {
      const team = input.assignee.startsWith('team:') ? input.assignee.slice('team:'.length) : undefined;
      await store.assignEscalation({ id: input.escalationId, assignee: team === undefined ? input.assignee : null, ...(team === undefined ? {} : { team }) });
      const key = `${input.escalationId}:assigned:${input.reviewer}:${input.assignee}`;
      await store.appendAudit({ tenantId: input.tenantId, actor: input.reviewer, action: 'review.reassign', subjectType: 'escalation', subjectId: input.escalationId, details: { assignee: input.assignee, note: input.note ?? null }, idempotencyKey: key });
      await publishBoth(input, input.tenantId, EventType.escalationAssigned, { escalationId: input.escalationId, assignee: input.assignee, by: input.reviewer }, `${input.reviewer}:${input.assignee}`);
    },

    /** Reminds reviewers that an escalation is still waiting (its SLA runs out at `deadlineAt`). */
    async remindReviewers(input: RemindReviewersInput): Promise<void> {
      await store.recordReminder({ id: input.escalationId, reminders: input.reminders, nextRemindAt: input.nextRemindAt });
      await store.appendAudit({ tenantId: input.tenantId, actor: 'system', action: 'review.reminder', subjectType: 'escalation', subjectId: input.escalationId, details: { reminders: input.reminders, deadlineAt: input.deadlineAt }, idempotencyKey: `${input.escalationId}:reminder:${input.reminders}` });
      await publishBoth(input, input.tenantId, EventType.escalationReminder, { escalationId: input.escalationId, reminders: input.reminders, deadlineAt: input.deadlineAt }, `reminder-${input.reminders}`);
      logger.warn({ escalationId: input.escalationId, reminders: input.reminders, deadlineAt: input.deadlineAt }, 'escalation still waiting for a reviewer');
    },

    /** Stores a customer's message written during a take-over and streams it to the person handling it. */
    async recordCustomerMessage(input: Omit<DeliverHumanReplyInput, 'agent'>): Promise<{ messageId: string }> {
      const ref = { conversationId: input.conversationId, turnId: input.messageId };
      await store.saveMessage({ id: input.messageId, conversationId: input.conversationId, turnId: input.messageId, role: 'user', content: input.message, citations: [], confidence: null });
      await publishEvent(eventLog, ref, EventType.customerMessage, { messageId: input.messageId, text: input.message }, 'message');
      await publishEvent(eventLog, { conversationId: reviewerFeedId(input.tenantId), turnId: input.messageId }, EventType.customerMessage, { messageId: input.messageId, conversationId: input.conversationId }, 'message');
      return { messageId: input.messageId };
    },

    /** Stores a person's reply and streams it to the customer like any message. */
    async deliverHumanReply(input: DeliverHumanReplyInput): Promise<{ messageId: string }> {
      const ref = { conversationId: input.conversationId, turnId: input.messageId };
      await store.saveMessage({ id: input.messageId, conversationId: input.conversationId, turnId: input.messageId, role: 'human_agent', content: input.message, citations: [], confidence: null });
      await store.appendAudit({ tenantId: input.tenantId, actor: input.agent, action: 'conversation.reply', subjectType: 'conversation', subjectId: input.conversationId, details: { messageId: input.messageId }, idempotencyKey: `${input.messageId}:reply` });
      await publishEvent(eventLog, ref, EventType.humanMessage, { messageId: input.messageId, agent: input.agent, text: input.message }, 'reply');
      return { messageId: input.messageId };
    },
  };
}
