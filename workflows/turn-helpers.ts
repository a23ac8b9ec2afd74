/** Pure helpers of the turn workflow: state, degradation of sources, review outcomes. */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { AgentFinding, LlmCall, Passage, RouteDecision, SourceResult, SynthesizedAnswer, TurnAgent, TurnResult } from '../domain/types.js';
import type { ReviewDecision, TurnState } from './messages.js';

export function initialTurnState(turnId: string): TurnState {
  return { turnId, status: 'running', stage: null, agents: [], answer: null, citations: [], confidence: null, costUsd: 0, escalationId: null };
}

export function errorMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause !== undefined) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Knowledge and web passages (the grounding set), best first; history stays context only. */
export function groundingPassages(sources: SourceResult[]): Passage[] {
  return sources
    .filter((result) => result.source !== 'history')
    .flatMap((result) => result.passages)
    .sort((left, right) => right.score - left.score);
}

export function historyPassages(sources: SourceResult[]): Passage[] {
  return sources.find((result) => result.source === 'history')?.passages ?? [];
}

/** The retrieved passages an answer cites (QA checks the answer against them). */
export function citedSources(sources: SourceResult[], answer: SynthesizedAnswer): Passage[] {
  const cited = new Set(answer.citations.map((citation) => citation.passageId));
  return sources.flatMap((result) => result.passages).filter((passage) => cited.has(passage.id));
}

/** Every model call of the findings: each agent's draft, and its blackboard review when it asked a model. */
function findingCalls(findings: AgentFinding[]): LlmCall[] {
  return findings.flatMap((finding) => (finding.reviewCall === undefined ? [finding.llmCall] : [finding.llmCall, finding.reviewCall]));
}

function totalCost(findings: AgentFinding[], draft: SynthesizedAnswer): number {
  return findingCalls(findings).reduce((sum, call) => sum + call.costUsd, draft.llmCall.costUsd);
}

/** The agents of a turn in the router's order (primary first), those that produced findings. */
export function turnAgentsOf(route: RouteDecision | undefined, findings: AgentFinding[]): TurnAgent[] {
  const found = new Set(findings.map((finding) => finding.agentId));
  const routed = (route?.agents ?? []).filter((choice) => found.has(choice.agentId));
  const choices = routed.length > 0 ? routed : findings.map((finding) => ({ agentId: finding.agentId, score: 0, reason: '' }));
  return choices.map((choice) => ({
    id: choice.agentId,
    team: 'team' in choice && typeof choice.team === 'string' ? choice.team : null,
    score: choice.score,
    reason: choice.reason,
    ...('version' in choice && typeof choice.version === 'number' ? { version: choice.version } : {}),
  }));
}

/** Polite answers for a question outside what the assistant answers (`outOfScope` routing). */
export const OUT_OF_SCOPE_ANSWERS = {
  decline: 'Sorry — that is outside what I can help with here. I can answer questions about your Brightloom account, billing, integrations, security and how to use the product.',
  'offer-human':
    'Sorry — that is outside what I can help with here. If it is about your Brightloom account, just say "talk to a person" and I will connect you with our team.',
} as const;

/** The delivered result of an out-of-scope question: no agents, no citations, nothing spent. */
export function outOfScopeResult(turnId: string, action: keyof typeof OUT_OF_SCOPE_ANSWERS): TurnResult {
  return { turnId, status: 'completed', answer: OUT_OF_SCOPE_ANSWERS[action], citations: [], confidence: 1, agents: [], outOfScope: true, escalated: false, costUsd: 0 };
}

/** The delivered result and the trace fields recorded with it. */
export function deliveryOf(
  turnId: string,
  turn: { findings: AgentFinding[]; draft: SynthesizedAnswer; final: SynthesizedAnswer; escalationId: string | null; route?: RouteDecision },
): { result: TurnResult; trace: { agents: string[]; llmCalls: LlmCall[]; confidence: number; costUsd: number; escalated: boolean; escalationId: string | null } } {
  const { findings, draft, final, escalationId } = turn;
  const agents = findings.map((finding) => finding.agentId);
  const costUsd = totalCost(findings, draft);
  const result: TurnResult = {
    turnId,
    status: 'completed',
    answer: final.text,
    citations: final.citations,
    confidence: final.confidence,
    agents: turnAgentsOf(turn.route, findings),
    escalated: escalationId !== null,
    ...(escalationId === null ? {} : { escalationId }),
    costUsd,
    ...(final.notice === null ? {} : { notice: final.notice }),
  };
  const llmCalls = [...findingCalls(findings), draft.llmCall];
  return { result, trace: { agents, llmCalls, confidence: final.confidence, costUsd, escalated: result.escalated, escalationId } };
}

/** Shown to the customer while a reviewer looks at the answer. */
export const HOLDING_MESSAGE = 'A specialist is reviewing your question to make sure you get the right answer. We will reply here shortly.';
/** Sent when the review times out: nothing unreviewed goes out. */
export const REVIEW_TIMEOUT_ANSWER =
  'Thanks for your patience — your question needs a specialist, and our team will follow up with you directly. Nothing more is needed from you right now.';
/** Sent when the conversation is handed over to a person instead of answered. */
export const HANDOVER_ANSWER = 'A member of our team is taking over this conversation and will reply to you here personally.';
export const REJECTED_ANSWER = 'A specialist reviewed your question and will follow up with you directly.';

/** The answer the customer receives after a review decision (or its absence). */
export function answerAfterReview(decision: ReviewDecision | undefined, draft: SynthesizedAnswer): SynthesizedAnswer {
  if (decision === undefined) return { ...draft, text: REVIEW_TIMEOUT_ANSWER, citations: [], notice: null };
  if (decision.action === 'approve') return draft;
  if (decision.action === 'edit') {
    const text = decision.answer ?? draft.text;
    const citations = draft.citations.filter((citation) => text.includes(`[${citation.index}]`));
    return { ...draft, text, citations, notice: null };
  }
  return { ...draft, text: decision.answer ?? REJECTED_ANSWER, citations: [], notice: null };
}

export function escalationStatusOf(decision: ReviewDecision | undefined): 'approved' | 'edited' | 'rejected' | 'timed_out' {
  if (decision === undefined) return 'timed_out';
  return decision.action === 'approve' ? 'approved' : decision.action === 'edit' ? 'edited' : 'rejected';
}

/** Model failures no retry can fix and a person should look at (budgets, content policy, nothing fits). */
const ESCALATED_MODEL_FAILURES: readonly string[] = ['BudgetExceeded', 'ContentPolicy', 'NoModelFits'];

/** The failure type when a turn failed because no model would (or could) answer, else null. */
export function modelRefusalOf(error: unknown): string | null {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type !== undefined && cause.type !== null && ESCALATED_MODEL_FAILURES.includes(cause.type)) return cause.type;
  }
  return null;
}

/** What a reviewer gets when no model answered: an honest holding text to approve, or to replace by editing. */
export function refusalDraft(failureType: string, reason: string): SynthesizedAnswer {
  return {
    text: 'We could not prepare an automatic answer to this question; a member of our team will reply to you here.',
    citations: [],
    confidence: 0,
    noAnswer: true,
    notice: null,
    llmCall: { purpose: 'synthesize', provider: 'none', modelId: failureType, usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, latencyMs: 0, attempt: 1 },
    humanRequests: [{ agentId: 'router', reason }],
  };
}

/** Why a review decision cannot be applied (unknown action, reassign without assignee, edit without text), or null. */
export function reviewDecisionProblem(decision: ReviewDecision): string | null {
  if (!['approve', 'edit', 'reject', 'reassign'].includes(decision.action)) return 'action must be approve, edit, reject or reassign';
  if (typeof decision.reviewer !== 'string' || decision.reviewer.trim() === '') return 'reviewer is required';
  if (decision.action === 'reassign' && (typeof decision.assignee !== 'string' || decision.assignee.trim() === '')) return 'a reassignment needs an assignee';
  if (decision.action === 'edit' && (typeof decision.answer !== 'string' || decision.answer.trim() === '')) return "an edit needs the reviewer's answer";
  return null;
}
