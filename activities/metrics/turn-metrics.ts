/**
 * The turn metrics port: what activities report about finished turns, stages and escalations. The worker
 * injects an implementation (`createPrometheusTurnMetrics`) as `ActivityDependencies.metrics`; without one,
 * activities report nothing. Names, types and labels are the contract in `infra/monitoring/METRICS.md`.
 */
import type { Stage } from '../../domain/constants.js';
import type { RetrievalSource, SourceResult, SourceStatus, TurnResult } from '../../domain/types.js';

/** How a turn ended (`agentcraft_turns_total{outcome}`). */
export const TurnOutcome = {
  answered: 'answered',
  escalated: 'escalated',
  failed: 'failed',
  takenOver: 'taken_over',
} as const;
export type TurnOutcome = (typeof TurnOutcome)[keyof typeof TurnOutcome];

export interface TurnFinishedMeasurement {
  /** Deduplication key: a retried deliver or fail activity must not count the turn twice. */
  turnId: string;
  outcome: TurnOutcome;
  /** Turn start → delivery; undefined when the start is unknown (the turn row is missing). */
  durationSeconds?: number;
}

export interface EscalationMeasurement {
  /** Deduplication key (a retried `createEscalation` counts once). */
  escalationId: string;
  /** The QA reason code. */
  reason: string;
}

/** One retrieval source's outcome in one retrieve attempt (`agentcraft_retrieval_source_total{source,status}`). */
export interface RetrievalSourceMeasurement {
  source: RetrievalSource;
  status: SourceStatus;
  durationSeconds: number;
}

/** Sink for turn-level metrics; every method is synchronous and must never throw into an activity. */
export interface TurnMetrics {
  turnFinished(measurement: TurnFinishedMeasurement): void;
  stageFinished(stage: Stage, durationSeconds: number): void;
  escalationCreated(measurement: EscalationMeasurement): void;
  retrievalSourceFinished(measurement: RetrievalSourceMeasurement): void;
}

/**
 * Reports each source of a finished retrieve stage from its trace (`retrieval`: source, status, duration per
 * source), so every retrieval implementation that records its trace is measured the same way.
 */
export function reportRetrievalSources(metrics: TurnMetrics | undefined, retrieval: readonly Pick<SourceResult, 'source' | 'status' | 'durationMs'>[] | undefined): void {
  if (metrics === undefined || retrieval === undefined) return;
  for (const { source, status, durationMs } of retrieval) {
    metrics.retrievalSourceFinished({ source, status, durationSeconds: Math.max(0, durationMs) / 1000 });
  }
}

/** The outcome label of a delivered (not failed) turn. */
export function outcomeOfDelivered(result: Pick<TurnResult, 'status' | 'escalated'>): TurnOutcome {
  if (result.status === 'failed') return TurnOutcome.failed;
  return result.escalated ? TurnOutcome.escalated : TurnOutcome.answered;
}

/** Seconds from an ISO timestamp to now (undefined for a missing or unparsable start). */
export function secondsSince(startedAt: string | null | undefined, now: Date = new Date()): number | undefined {
  if (startedAt === null || startedAt === undefined) return undefined;
  const start = Date.parse(startedAt);
  return Number.isNaN(start) ? undefined : Math.max(0, (now.getTime() - start) / 1000);
}

/**
 * The QA reason code of an escalation (`agentcraft_escalations_total{reason}`). QA reasons are sentences
 * with numbers and names in them; a label needs a fixed set, so the sentence is classified here.
 */
export const EscalationReason = {
  customerRequest: 'customer_request',
  agentRequest: 'agent_request',
  contradiction: 'contradiction',
  personalData: 'personal_data',
  ungrounded: 'ungrounded',
  promptInjection: 'prompt_injection',
  lowConfidence: 'low_confidence',
  noModel: 'no_model',
  other: 'other',
} as const;
export type EscalationReason = (typeof EscalationReason)[keyof typeof EscalationReason];

const REASON_PATTERNS: [RegExp, EscalationReason][] = [
  [/^no model answered/i, EscalationReason.noModel],
  [/customer asked for a person/i, EscalationReason.customerRequest],
  [/^agent .* asked for a human/i, EscalationReason.agentRequest],
  [/contradict/i, EscalationReason.contradiction],
  [/quarantined for prompt injection|injection/i, EscalationReason.promptInjection],
  [/not supported by|is supported by a source/i, EscalationReason.ungrounded],
  [/^the answer contains/i, EscalationReason.personalData],
  [/^confidence .* is below/i, EscalationReason.lowConfidence],
];

export function escalationReasonCode(reason: string): EscalationReason {
  return REASON_PATTERNS.find(([pattern]) => pattern.test(reason))?.[1] ?? EscalationReason.other;
}
