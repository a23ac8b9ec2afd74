/**
 * `turnWorkflow`: one user message through the whole pipeline — route, parallel retrieval, parallel
 * specialists, synthesis, QA, (review), delivery. A child of `conversationWorkflow`, one history per query.
 */
import { condition, getExternalWorkflowHandle, isCancellation, log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Stage } from '../domain/constants.js';
import type { AgentFinding, RouteDecision, SourceResult, SynthesizedAnswer, TurnResult } from '../domain/types.js';
import type { TurnTracePatch } from '../activities/turn/turn-lifecycle.js';
import { local, model, modelCallOptions, retrieval } from './activity-options.js';
import { getTurnState, reportEscalation, reviewDecision, type ReviewDecision, type TurnInput, type TurnState } from './messages.js';
import {
  answerAfterReview,
  degradeOnFailure,
  errorMessage,
  escalationStatusOf,
  groundingPassages,
  historyPassages,
  HOLDING_MESSAGE,
  initialTurnState,
  retrievalSummary,
  stageSummary,
  totalCost,
} from './turn-helpers.js';

interface StageOutcome {
  status?: 'ok' | 'degraded';
  trace?: TurnTracePatch;
}

export async function turnWorkflow(input: TurnInput): Promise<TurnResult> {
  const state = initialTurnState(input.turnId);
  const turn = { conversationId: input.conversationId, turnId: input.turnId };
  let decision: ReviewDecision | undefined;
  setHandler(getTurnState, () => state);
  setHandler(reviewDecision, (received) => {
    if (received.escalationId === state.escalationId && decision === undefined) decision = received;
  });

  /** Runs one stage between `stage-started` and `stage-finished` (timings and trace persisted). */
  async function inStage<T>(stage: Stage, work: () => Promise<T>, describe?: (value: T) => StageOutcome): Promise<T> {
    state.stage = stage;
    const { startedAt } = await local.markStageStarted({ ...turn, stage });
    try {
      const value = await work();
      const outcome = describe?.(value) ?? {};
      const timing = await local.markStageFinished({ ...turn, stage, startedAt, status: outcome.status ?? 'ok', summary: stageSummary(stage, value), trace: outcome.trace });
      state.stages.push(timing);
      return value;
    } catch (error) {
      if (!isCancellation(error)) state.stages.push(await local.markStageFinished({ ...turn, stage, startedAt, status: 'failed', summary: errorMessage(error) }));
      throw error;
    }
  }

  async function retrieveAll(): Promise<SourceResult[]> {
    const query = input.message;
    return Promise.all([
      degradeOnFailure('knowledge', retrieval.retrieveKnowledge({ tenantId: input.tenantId, query, limit: 8 })),
      degradeOnFailure('web', retrieval.retrieveWeb({ query })),
      degradeOnFailure('history', retrieval.retrieveCustomerHistory({ tenantId: input.tenantId, customerId: input.customerId, conversationId: input.conversationId, query, limit: 3 })),
    ]);
  }

  async function runAgents(route: RouteDecision, sources: SourceResult[]): Promise<AgentFinding[]> {
    state.agents = route.agents.map((choice) => ({ agentId: choice.agentId, status: 'running' }));
    const passages = groundingPassages(sources);
    const history = historyPassages(sources);
    const settled = await Promise.allSettled(
      route.agents.map(async (choice, position) => {
        const options = { ...modelCallOptions, summary: `${choice.agentId} drafts findings` };
        try {
          const finding = await model.runAgent.executeWithOptions(options, [{ ...turn, agentId: choice.agentId, question: input.message, passages, history }]);
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

  async function review(draft: SynthesizedAnswer, reason: string, agents: string[], timeoutMs: number): Promise<SynthesizedAnswer> {
    const escalationId = `${input.turnId}.review`;
    state.escalationId = escalationId;
    state.status = 'awaiting_review';
    await local.createEscalation({ ...turn, escalationId, reason, draft, holdingMessage: HOLDING_MESSAGE, agents });
    const parent = workflowInfo().parent;
    if (parent !== undefined) {
      await getExternalWorkflowHandle(parent.workflowId).signal(reportEscalation, { turnId: input.turnId, escalationId });
    }
    await condition(() => decision !== undefined, timeoutMs);
    await local.resolveEscalation({ ...turn, escalationId, status: escalationStatusOf(decision), reviewer: decision?.reviewer ?? null, finalAnswer: decision?.answer ?? null });
    state.status = 'running';
    return answerAfterReview(decision, draft);
  }

  try {
    await local.beginTurn({ ...turn, tenantId: input.tenantId, customerId: input.customerId, turnNumber: input.turnNumber, workflowId: workflowInfo().workflowId, message: input.message, metadata: input.metadata });
    const route = await inStage('route', () => local.routeQuestion({ question: input.message }), (value) => ({ trace: { route: value } }));
    const sources = await inStage('retrieve', retrieveAll, (value) => ({
      status: value.some((result) => result.status === 'failed' || result.status === 'timeout') ? 'degraded' : 'ok',
      trace: { retrieval: retrievalSummary(value), retrievalHits: value.flatMap((result) => result.passages) },
    }));
    const findings = await inStage('agents', () => runAgents(route, sources), (value) => ({
      status: value.length < route.agents.length ? 'degraded' : 'ok',
      trace: { agents: value.map((finding) => finding.agentId) },
    }));
    const agents = findings.map((finding) => finding.agentId);
    const draft = await inStage('synthesize', () => model.synthesizeAnswer.executeWithOptions({ ...modelCallOptions, summary: 'synthesize one cited answer' }, [{ ...turn, question: input.message, findings }]));
    state.answer = draft.text;
    state.citations = draft.citations;
    state.confidence = draft.confidence;
    const qa = await inStage('qa', () => local.checkQuality({ ...turn, question: input.message, route, draft }), (value) => ({ trace: { qa: value.checks } }));
    const final = qa.outcome === 'escalate' ? await inStage('review', () => review(qa.answer, qa.reason ?? 'qa', agents, qa.reviewTimeoutMs)) : qa.answer;
    const costUsd = totalCost(findings, draft);
    const result: TurnResult = {
      turnId: input.turnId,
      status: 'completed',
      answer: final.text,
      citations: final.citations,
      confidence: final.confidence,
      agents,
      escalated: qa.outcome === 'escalate',
      ...(state.escalationId === null ? {} : { escalationId: state.escalationId }),
      costUsd,
      ...(final.notice === null ? {} : { notice: final.notice }),
    };
    const llmCalls = [...findings.map((finding) => finding.llmCall), draft.llmCall];
    state.stage = 'deliver';
    const { startedAt } = await local.markStageStarted({ ...turn, stage: 'deliver' });
    const trace = { agents, llmCalls, confidence: final.confidence, costUsd, escalated: result.escalated, escalationId: state.escalationId };
    const delivered = await local.deliverAnswer({ ...turn, startedAt, result, trace });
    Object.assign(state, { status: 'completed', stage: null, answer: delivered.answer, citations: delivered.citations, confidence: delivered.confidence, costUsd });
    return delivered;
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.error('turn failed; telling the customer', { turnId: input.turnId, error: errorMessage(error) });
    const failed = await local.failTurn({ ...turn, reason: errorMessage(error) });
    Object.assign(state, { status: 'failed', stage: null, answer: failed.answer });
    return failed;
  }
}

export type { TurnState };
