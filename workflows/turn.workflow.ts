/**
 * `turnWorkflow`: one user message through the whole pipeline — route, parallel retrieval, parallel
 * specialists, synthesis, QA, (review), delivery. A child of `conversationWorkflow`, one history per query.
 */
import { condition, getExternalWorkflowHandle, isCancellation, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Stage } from '../domain/constants.js';
import type { ReviewPolicy } from '../activities/index.js';
import type { AgentFinding, Passage, QaResult, RouteDecision, SourceResult, SynthesizedAnswer, TurnAgent, TurnResult } from '../domain/types.js';
import { local, modelCalls, routeAsActivity, type ModelCalls } from './activity-options.js';
import { reviewAnswer } from './review.js';
import { getTurnState, reportEscalation, reviewDecision, type ReviewDecision, type TurnInput, type TurnState } from './messages.js';
import {
  answerAfterReview,
  errorMessage,
  escalationStatusOf,
  groundingPassages,
  historyPassages,
  citedSources,
  HOLDING_MESSAGE,
  deliveryOf,
  initialTurnState,
  modelRefusalOf,
  outOfScopeResult,
  reviewDecisionProblem,
  refusalDraft,
  turnAgentsOf,
} from './turn-helpers.js';

const REPORT_ESCALATION_FIRST = 'report-escalation-before-publishing';
/** Reminders, reassignment, hand-over and the deadline policy (runs recorded before it use `review`). */
const REVIEW_POLICY = 'review-policy';
/** A second, short round in which agents review each other's findings (runs with two or more agents). */
const BLACKBOARD_ROUND = 'blackboard-round';
/** Out-of-scope questions are declined (or offered a person) without retrieval or agents. */
const OUT_OF_SCOPE = 'out-of-scope-decline';
/** A turn no model would answer (budget, content policy, nothing fits) goes to a person instead of failing. */
const ESCALATE_MODEL_REFUSALS = 'escalate-model-refusals';
/** Routing that calls an LLM runs as a regular activity when the plan says so (runs recorded before: local). */
const ROUTE_AS_ACTIVITY = 'route-as-activity';

export async function turnWorkflow(input: TurnInput): Promise<TurnResult> {
  const state = initialTurnState(input.turnId);
  const turn = { conversationId: input.conversationId, turnId: input.turnId };
  let decision: ReviewDecision | undefined;
  /** Decisions for the review in arrival order (reassignments and the first final decision). */
  const decisions: ReviewDecision[] = [];
  setHandler(getTurnState, () => state);
  setHandler(reviewDecision, (received) => {
    if (received.escalationId !== state.escalationId) return;
    // Signals skip the update's validator (operators type them): a malformed one must not decide the review.
    const problem = reviewDecisionProblem(received);
    if (problem !== null) {
      log.warn('review decision ignored', { escalationId: received.escalationId, action: String(received.action), problem });
      return;
    }
    if (received.action === 'reassign') {
      decisions.push(received);
      return;
    }
    if (decision !== undefined) return;
    decision = received;
    decisions.push(received);
  });

  /**
   * Runs one stage. Stage activities publish their own `stage-started`/`stage-finished` (no extra
   * round trip per boundary); when a stage fails for good, the workflow records the failure.
   */
  async function stage<T>(name: Stage, work: () => Promise<T>): Promise<T> {
    state.stage = name;
    const startedAt = new Date().toISOString();
    try {
      return await work();
    } catch (error) {
      if (!isCancellation(error)) await local.markStageFinished({ ...turn, stage: name, startedAt, status: 'failed', summary: errorMessage(error) });
      throw error;
    }
  }

  async function runAgents(route: RouteDecision, sources: SourceResult[], calls: ModelCalls): Promise<AgentFinding[]> {
    state.agents = route.agents.map((choice) => ({ agentId: choice.agentId, status: 'running' }));
    const passages = groundingPassages(sources);
    const history = historyPassages(sources);
    const settled = await Promise.allSettled(
      route.agents.map(async (choice, position) => {
        try {
          const finding = await calls.runAgent(`${choice.agentId} drafts findings`, {
            ...turn,
            agentId: choice.agentId,
            question: input.message,
            passages,
            history,
            tenantId: input.tenantId,
            ...(choice.version === undefined ? {} : { agentVersion: choice.version }),
          });
          state.agents[position] = { agentId: choice.agentId, status: 'finished' };
          return finding;
        } catch (error) {
          state.agents[position] = { agentId: choice.agentId, status: 'failed' };
          throw error;
        }
      }),
    );
    const findings = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const firstFailure = settled.find((result) => result.status === 'rejected');
    if (findings.length === 0 && firstFailure !== undefined) throw firstFailure.reason;
    return findings;
  }

  async function reportToConversation(escalationId: string): Promise<void> {
    const parent = workflowInfo().parent;
    if (parent !== undefined) {
      await getExternalWorkflowHandle(parent.workflowId).signal(reportEscalation, { turnId: input.turnId, escalationId });
    }
  }

  async function review(draft: SynthesizedAnswer, reason: string, agents: string[], timeoutMs: number): Promise<SynthesizedAnswer> {
    const escalationId = `${input.turnId}.review`;
    state.escalationId = escalationId;
    state.status = 'awaiting_review';
    const { startedAt } = await local.markStageStarted({ ...turn, stage: 'review' });
    const createEscalation = () => local.createEscalation({ ...turn, escalationId, reason, draft, holdingMessage: HOLDING_MESSAGE, agents });
    // Patched: the conversation must know the escalation before `escalation-created` reaches reviewers,
    // or a quick decision is refused as "no pending escalation". Older runs told it afterwards.
    if (patched(REPORT_ESCALATION_FIRST)) {
      await reportToConversation(escalationId);
      await createEscalation();
    } else {
      await createEscalation();
      await reportToConversation(escalationId);
    }
    await condition(() => decision !== undefined, timeoutMs);
    const outcome = escalationStatusOf(decision);
    await local.resolveEscalation({ ...turn, escalationId, status: outcome, reviewer: decision?.reviewer ?? null, finalAnswer: decision?.answer ?? null });
    await local.markStageFinished({ ...turn, stage: 'review', startedAt, status: 'ok', summary: outcome });
    state.status = 'running';
    return answerAfterReview(decision, draft);
  }

  /** The current review: policy from the turn's plan; the conversation learns of it before reviewers do. */
  async function reviewWithPolicy(draft: SynthesizedAnswer, qa: QaResult, agents: TurnAgent[], policy: ReviewPolicy): Promise<SynthesizedAnswer> {
    const escalationId = `${input.turnId}.review`;
    Object.assign(state, { escalationId, status: 'awaiting_review' });
    const { startedAt } = await local.markStageStarted({ ...turn, stage: 'review' });
    const outcome = await reviewAnswer({ input, escalationId, draft, reason: qa.reason ?? 'qa', evidence: qa.checks, agents, policy, decisions });
    await local.markStageFinished({ ...turn, stage: 'review', startedAt, status: 'ok', summary: outcome.handedOver ? `${outcome.status}, handed over` : outcome.status });
    state.status = 'running';
    return outcome.answer;
  }

  /** Round 2 (blackboard): each agent reviews everyone's findings; a failed review keeps its round-1 finding. */
  async function reviewRound(firstRound: AgentFinding[], passages: Passage[], calls: ModelCalls): Promise<AgentFinding[]> {
    const settled = await Promise.allSettled(
      firstRound.map((finding) =>
        calls.reviewFindings(`${finding.agentId} reviews the other findings`, { ...turn, agentId: finding.agentId, question: input.message, findings: firstRound, passages }),
      ),
    );
    return settled.map((result, position) => (result.status === 'fulfilled' ? result.value.finding : firstRound[position]!));
  }

  async function deliver(result: TurnResult, trace: Parameters<typeof local.deliverAnswer>[0]['trace']): Promise<TurnResult> {
    const delivered = await stage('deliver', () => local.deliverAnswer({ ...turn, result, trace }));
    Object.assign(state, { status: 'completed', stage: null, answer: delivered.answer, citations: delivered.citations, confidence: delivered.confidence, costUsd: delivered.costUsd });
    return delivered;
  }

  /** No model answered: a reviewer decides what the customer gets (the trace keeps the failure). */
  async function escalateRefusal(failureType: string, reason: string, policy: ReviewPolicy): Promise<TurnResult> {
    const draft = refusalDraft(failureType, reason);
    const qa: QaResult = { outcome: 'escalate', reason: `no model answered (${failureType}): ${reason}`, checks: [], answer: draft };
    const final = await stage('review', () => reviewWithPolicy(draft, qa, [], policy));
    const { result, trace } = deliveryOf(input.turnId, { findings: [], draft, final, escalationId: state.escalationId });
    return await deliver(result, trace);
  }

  let plan: Awaited<ReturnType<typeof local.beginTurn>> | undefined;
  try {
    plan = await local.beginTurn({ ...turn, tenantId: input.tenantId, customerId: input.customerId, turnNumber: input.turnNumber, workflowId: workflowInfo().workflowId, message: input.message, metadata: input.metadata });
    const routeInput = { ...turn, question: input.message, tenantId: input.tenantId };
    // The marker is written only when routing goes remote, so offline turns keep their command sequence.
    const routeRemotely = plan.routeCall === 'activity' && patched(ROUTE_AS_ACTIVITY);
    const route = await stage('route', () => (routeRemotely ? routeAsActivity(routeInput) : local.routeQuestion(routeInput)));
    state.route = route;
    if (route.outOfScope === true && patched(OUT_OF_SCOPE)) {
      return await deliver(outOfScopeResult(input.turnId, plan.outOfScope ?? 'decline'), { agents: [], llmCalls: [], confidence: 1, costUsd: 0, escalated: false, escalationId: null });
    }
    const retrieved = await stage('retrieve', () =>
      local.retrieveSources({ ...turn, tenantId: input.tenantId, customerId: input.customerId, query: input.message, knowledgeLimit: 8, historyLimit: 3 }),
    );
    const calls = modelCalls(plan);
    const firstRound = await stage('agents', () => runAgents(route, retrieved, calls));
    const blackboard = firstRound.length > 1 && patched(BLACKBOARD_ROUND);
    const findings = blackboard ? await stage('agents', () => reviewRound(firstRound, groundingPassages(retrieved), calls)) : firstRound;
    const agents = turnAgentsOf(route, findings);
    const synthesizeInput = { ...turn, question: input.message, findings, agentsAsked: route.agents.length };
    const draft = await stage('synthesize', () => calls.synthesizeAnswer('synthesize one cited answer', synthesizeInput));
    Object.assign(state, { answer: draft.text, citations: draft.citations, confidence: draft.confidence });
    const sources = citedSources(retrieved, draft);
    const qa = await stage('qa', () => local.checkQuality({ ...turn, question: input.message, route, draft, sources, tenantId: input.tenantId, passages: groundingPassages(retrieved) }));
    const policy = plan.review ?? { remindAfterMs: qa.reviewTimeoutMs, deadlineMs: qa.reviewTimeoutMs, timeoutAction: 'fallback' as const, holdingMessage: HOLDING_MESSAGE };
    const agentIds = agents.map((agent) => agent.id);
    const escalate = () => (patched(REVIEW_POLICY) ? reviewWithPolicy(qa.answer, qa, agents, policy) : review(qa.answer, qa.reason ?? 'qa', agentIds, qa.reviewTimeoutMs));
    const final = qa.outcome === 'escalate' ? await stage('review', escalate) : qa.answer;
    const { result, trace } = deliveryOf(input.turnId, { findings, draft, final, escalationId: state.escalationId, route });
    return await deliver(result, trace);
  } catch (error) {
    if (isCancellation(error)) throw error;
    const refusal = modelRefusalOf(error);
    if (refusal !== null && plan?.review !== undefined && state.escalationId === null && patched(ESCALATE_MODEL_REFUSALS)) {
      log.warn('no model answered; escalating to a person', { turnId: input.turnId, failureType: refusal });
      return await escalateRefusal(refusal, errorMessage(error), plan.review);
    }
    log.error('turn failed; telling the customer', { turnId: input.turnId, error: errorMessage(error) });
    const failed = await local.failTurn({ ...turn, reason: errorMessage(error) });
    Object.assign(state, { status: 'failed', stage: null, answer: failed.answer });
    return failed;
  }
}

export type { TurnState };
