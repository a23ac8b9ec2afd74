/**
 * prom-client implementation of `TurnMetrics`: the worker's turn, stage, escalation and retrieval series, registered
 * on the registry the worker's `/metrics` serves. Names per `infra/monitoring/METRICS.md`.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Stage } from '../../domain/constants.js';
import type { EscalationMeasurement, RetrievalSourceMeasurement, TurnFinishedMeasurement, TurnMetrics } from './turn-metrics.js';

/** Turns last from seconds (answered) to a day (human review); buckets span both. */
const TURN_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600, 14_400, 86_400];
const STAGE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 300, 3600];
/** Each source has a time limit of a few seconds (`SOURCE_TIMEOUT_MS`); buckets resolve up to it. */
const SOURCE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 10];
/** How many recent turn and escalation ids are remembered to ignore a retry's second report. */
const REMEMBERED_IDS = 10_000;

/** A bounded set: insertion order evicts the oldest id once full. */
function recentIds(limit: number) {
  const ids = new Set<string>();
  return {
    /** True the first time an id is seen (while it is remembered). */
    firstTime(id: string): boolean {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > limit) ids.delete(ids.values().next().value!);
      return true;
    },
  };
}

export function createPrometheusTurnMetrics(registry: Registry): TurnMetrics {
  const turns = new Counter({ name: 'agentcraft_turns_total', help: 'Turns finished, by outcome', labelNames: ['outcome'], registers: [registry] });
  const turnDuration = new Histogram({
    name: 'agentcraft_turn_duration_seconds',
    help: 'Turn start to delivery (human review time included)',
    labelNames: ['outcome'],
    buckets: TURN_BUCKETS,
    registers: [registry],
  });
  const stageDuration = new Histogram({
    name: 'agentcraft_stage_duration_seconds',
    help: 'Duration of one pipeline stage',
    labelNames: ['stage'],
    buckets: STAGE_BUCKETS,
    registers: [registry],
  });
  const escalations = new Counter({ name: 'agentcraft_escalations_total', help: 'Answers sent to human review, by QA reason', labelNames: ['reason'], registers: [registry] });
  const retrievalSources = new Counter({
    name: 'agentcraft_retrieval_source_total',
    help: 'Retrieval source outcomes per retrieve attempt (ok, empty, failed, timeout, disabled)',
    labelNames: ['source', 'status'],
    registers: [registry],
  });
  const retrievalSourceDuration = new Histogram({
    name: 'agentcraft_retrieval_source_duration_seconds',
    help: 'Duration of one retrieval source (disabled sources are not observed)',
    labelNames: ['source', 'status'],
    buckets: SOURCE_BUCKETS,
    registers: [registry],
  });
  const countedTurns = recentIds(REMEMBERED_IDS);
  const countedEscalations = recentIds(REMEMBERED_IDS);
  return {
    turnFinished({ turnId, outcome, durationSeconds }: TurnFinishedMeasurement) {
      if (!countedTurns.firstTime(turnId)) return;
      turns.inc({ outcome });
      if (durationSeconds !== undefined) turnDuration.observe({ outcome }, durationSeconds);
    },
    stageFinished(stage: Stage, durationSeconds: number) {
      stageDuration.observe({ stage }, durationSeconds);
    },
    escalationCreated({ escalationId, reason }: EscalationMeasurement) {
      if (countedEscalations.firstTime(escalationId)) escalations.inc({ reason });
    },
    retrievalSourceFinished({ source, status, durationSeconds }: RetrievalSourceMeasurement) {
      retrievalSources.inc({ source, status });
      if (status !== 'disabled') retrievalSourceDuration.observe({ source, status }, durationSeconds);
    },
  };
}
