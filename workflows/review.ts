/**
 * The review step of a turn: a durable wait for a reviewer's decision with reminders, reassignment and a
 * deadline policy. Every step is an activity, so the whole review reads in the turn's history.
 */
import { condition, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import type { ReviewPolicy } from '../activities/index.js';
import type { QaCheck, SynthesizedAnswer, TurnAgent } from '../domain/types.js';
import { local } from './activity-options.js';
import { reportEscalation, takeOver, type ReviewDecision, type TurnInput } from './messages.js';
import { answerAfterReview, escalationStatusOf, HANDOVER_ANSWER } from './turn-helpers.js';

export interface ReviewRequest {
  input: TurnInput;
  escalationId: string;
  draft: SynthesizedAnswer;
  reason: string;
  evidence: QaCheck[];
  agents: TurnAgent[];
  policy: ReviewPolicy;
  /** Decisions that arrived for this escalation (final or reassign), in order; the review consumes them. */
  decisions: ReviewDecision[];
}

export interface ReviewOutcome {
  answer: SynthesizedAnswer;
  status: ReturnType<typeof escalationStatusOf>;
  reviewer: string | null;
  handedOver: boolean;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

async function tellConversation(signal: 'report' | 'handover', request: ReviewRequest, agent = 'reviewer'): Promise<void> {
  const parent = workflowInfo().parent;
  if (parent === undefined) return;
  const handle = getExternalWorkflowHandle(parent.workflowId);
  if (signal === 'report') await handle.signal(reportEscalation, { turnId: request.input.turnId, escalationId: request.escalationId });
  else await handle.signal(takeOver, { agent });
}

/** Waits for a final decision, reminding reviewers on schedule and recording reassignments; undefined at the deadline. */
async function awaitDecision(request: ReviewRequest, startedAt: number): Promise<ReviewDecision | undefined> {
  const { input, escalationId, policy, decisions } = request;
  const deadline = startedAt + policy.deadlineMs;
  let reminders = 0;
  let nextReminder = startedAt + policy.remindAfterMs;
  for (;;) {
    const wakeAt = nextReminder < deadline ? nextReminder : deadline;
    await condition(() => decisions.length > 0, Math.max(1, wakeAt - Date.now()));
    const decision = decisions.shift();
    if (decision?.action === 'reassign' && decision.assignee !== undefined) {
      const note = decision.note === undefined ? {} : { note: decision.note };
      await local.reassignEscalation({ conversationId: input.conversationId, turnId: input.turnId, escalationId, tenantId: input.tenantId, reviewer: decision.reviewer, assignee: decision.assignee, ...note });
      continue;
    }
    if (decision !== undefined) return decision;
    if (Date.now() >= deadline) return undefined;
    if (Date.now() >= nextReminder) {
      reminders += 1;
      nextReminder += policy.remindAfterMs;
      await local.remindReviewers({ conversationId: input.conversationId, turnId: input.turnId, escalationId, tenantId: input.tenantId, reminders, nextRemindAt: nextReminder < deadline ? iso(nextReminder) : null, deadlineAt: iso(deadline) });
    }
  }
}

/**
 * Creates the escalation (after telling the conversation, so a quick decision is never refused), waits
 * durably, and resolves it: approve / edit / reject (optionally handing over), or the deadline policy.
 */
export async function reviewAnswer(request: ReviewRequest): Promise<ReviewOutcome> {
  const { input, escalationId, draft, policy } = request;
  const startedAt = Date.now();
  await tellConversation('report', request);
  await local.createEscalation({
    conversationId: input.conversationId,
    turnId: input.turnId,
    escalationId,
    reason: request.reason,
    draft,
    holdingMessage: policy.holdingMessage,
    agents: request.agents,
    tenantId: input.tenantId,
    question: input.message,
    evidence: request.evidence,
    remindAt: policy.remindAfterMs < policy.deadlineMs ? iso(startedAt + policy.remindAfterMs) : null,
    deadlineAt: iso(startedAt + policy.deadlineMs),
  });
  const decision = await awaitDecision(request, startedAt);
  const handedOver = decision === undefined ? policy.timeoutAction === 'handover' : decision.action === 'reject' && decision.handover === true;
  const answer = handedOver ? { ...draft, text: decision?.answer ?? HANDOVER_ANSWER, citations: [], notice: null } : answerAfterReview(decision, draft);
  const status = escalationStatusOf(decision);
  await local.resolveEscalation({
    conversationId: input.conversationId,
    turnId: input.turnId,
    escalationId,
    status,
    reviewer: decision?.reviewer ?? null,
    finalAnswer: decision === undefined && !handedOver ? null : answer.text,
    tenantId: input.tenantId,
    note: decision?.note ?? null,
    question: input.message,
    draftAnswer: draft.text,
    handedOver,
  });
  if (handedOver) await tellConversation('handover', request, decision?.reviewer ?? 'review-deadline');
  return { answer, status, reviewer: decision?.reviewer ?? null, handedOver };
}
