/**
 * The confidence of a synthesized answer, from three kinds of evidence and one penalty, each in 0..1:
 *
 * ```
 * agreement   = mean over the answer's statements of (supporters + 1) / (agentsWithClaims + 2)
 * retrieval   = min(1, mean(top-2 scores of the cited passages) / 0.5)
 * coverage    = share of the question's terms that the answer's statements contain
 * penalty     = min(0.5, 0.25 × surfaced contradictions) + min(0.15, 0.05 × resolved contradictions)
 * confidence  = (0.45 × coverage + 0.30 × retrieval + 0.25 × agreement) × (1 − penalty)
 * ```
 * and 0 when the answer cites no passage.
 *
 * Why these parts:
 * - Coverage weighs most: an answer that leaves half the question's terms untouched is at best half an
 *   answer, however strong its sources. (Same measure as each agent's own confidence.)
 * - Retrieval is how strongly the cited passages matched the query. Knowledge scores are `ts_rank_cd`
 *   normalised as rank / (rank + 1), so 0.5 means rank 1: several query terms close together — strong
 *   lexical evidence; above it we learn nothing more. The mean of the best two rewards a second source.
 * - Agreement is Laplace's rule of succession: with no other agent to corroborate, one agent's claim
 *   scores 2/3, two agents agreeing 3/4, three 4/5; a statement one of two agents backs scores 1/2. An agent
 *   that confirmed a statement on the blackboard counts as a supporter. It weighs least, because the agents
 *   share one retrieval, so their agreement is not independent evidence.
 * - A surfaced contradiction means the sources disagree and nothing decided it: each costs a quarter of the
 *   score (at most half), enough to push a middling answer under a typical QA threshold (0.2–0.4) while a
 *   strong one stays visible as "contested". A resolved one costs a little: the evidence decided, but
 *   somebody's source is stale.
 *
 * Calibration points (single agent, one knowledge passage): a whole-question answer from a strong passage
 * (coverage 1, score ≥ 0.5) scores 0.92; a half-covered answer from a weak match (coverage 0.5, score 0.1)
 * scores 0.45; two agents agreeing on a complete answer 0.94; the same with a surfaced contradiction 0.70.
 */
import type { ConfidenceBreakdown, Contradiction } from '../../domain/types.js';

export const CONFIDENCE_WEIGHTS = { coverage: 0.45, retrieval: 0.3, agreement: 0.25 } as const;
/** A normalised knowledge score from which retrieval counts as fully strong. */
export const RETRIEVAL_SATURATION = 0.5;
const SURFACED_PENALTY = 0.25;
const SURFACED_PENALTY_CAP = 0.5;
const RESOLVED_PENALTY = 0.05;
const RESOLVED_PENALTY_CAP = 0.15;

/** What the confidence is computed from. */
export interface ConfidenceInput {
  /** For each statement of the answer, how many distinct agents stated or confirmed it. */
  supporters: number[];
  /** How many agents produced at least one cited claim. */
  agentsWithClaims: number;
  /** Retrieval scores of the passages the answer cites. */
  citedScores: number[];
  /** Share of the question's terms the answer covers (0..1). */
  coverage: number;
  contradictions: Contradiction[];
}

/** The answer's confidence (3 decimals) and its components, for the trace. */
export function scoreConfidence(input: ConfidenceInput): { confidence: number; breakdown: ConfidenceBreakdown } {
  const breakdown: ConfidenceBreakdown = {
    agreement: round(agreementOf(input.supporters, input.agentsWithClaims)),
    retrieval: round(retrievalOf(input.citedScores)),
    coverage: round(clamp(input.coverage)),
    contradictionPenalty: round(penaltyOf(input.contradictions)),
  };
  if (input.citedScores.length === 0 || input.supporters.length === 0) return { confidence: 0, breakdown };
  const evidence =
    CONFIDENCE_WEIGHTS.coverage * breakdown.coverage + CONFIDENCE_WEIGHTS.retrieval * breakdown.retrieval + CONFIDENCE_WEIGHTS.agreement * breakdown.agreement;
  return { confidence: round(evidence * (1 - breakdown.contradictionPenalty)), breakdown };
}

function agreementOf(supporters: number[], agentsWithClaims: number): number {
  if (supporters.length === 0) return 0;
  const agents = Math.max(1, agentsWithClaims);
  const perStatement = supporters.map((count) => (Math.min(count, agents) + 1) / (agents + 2));
  return perStatement.reduce((sum, value) => sum + value, 0) / perStatement.length;
}

function retrievalOf(scores: number[]): number {
  const top = [...scores].sort((left, right) => right - left).slice(0, 2);
  if (top.length === 0) return 0;
  return clamp(top.reduce((sum, score) => sum + clamp(score), 0) / top.length / RETRIEVAL_SATURATION);
}

function penaltyOf(contradictions: Contradiction[]): number {
  const surfaced = contradictions.filter((contradiction) => contradiction.status === 'surfaced').length;
  const resolved = contradictions.length - surfaced;
  return Math.min(SURFACED_PENALTY_CAP, SURFACED_PENALTY * surfaced) + Math.min(RESOLVED_PENALTY_CAP, RESOLVED_PENALTY * resolved);
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
