import { EventType, type Stage } from '../../domain/constants.js';
import type { StageTiming } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { publishEvent, type TurnRef } from '../events/publisher.js';
import { reportRetrievalSources } from '../metrics/turn-metrics.js';

/** Trace fields a stage may add to its turn (see `Store.updateTurn`). */
export type TurnTracePatch = Parameters<ActivityDependencies['store']['updateTurn']>[1];

export interface StageOutcome {
  status?: StageTiming['status'];
  summary?: string;
  trace?: TurnTracePatch;
}

export interface StageRecorder {
  /** Publishes `stage-started` (once per turn and stage) and returns the wall-clock start. */
  started(turn: TurnRef, stage: Stage): Promise<string>;
  /** Stores the timing and trace of a stage, then publishes `stage-finished` (once per turn and stage). */
  finished(turn: TurnRef, stage: Stage, startedAt: string, outcome: StageOutcome): Promise<StageTiming>;
  /**
   * Runs a whole stage inside one activity: `stage-started`, the work, then timing, trace and
   * `stage-finished`. A failed attempt publishes nothing more: Temporal retries it, and only the
   * workflow knows when a failure is final (it then records the stage as failed).
   */
  run<T>(turn: TurnRef, stage: Stage, work: () => Promise<T>, describe?: (value: T) => StageOutcome): Promise<T>;
}

/**
 * Stage bookkeeping done by the activities that run the stages, so a turn needs no extra activity per
 * stage boundary (each local activity costs a round trip between the workflow and the worker).
 */
export function createStageRecorder({ store, eventLog, metrics }: Pick<ActivityDependencies, 'store' | 'eventLog' | 'metrics'>): StageRecorder {
  const recorder: StageRecorder = {
    async started(turn, stage) {
      const startedAt = new Date().toISOString();
      await publishEvent(eventLog, turn, EventType.stageStarted, { stage }, stage);
      return startedAt;
    },
    async finished(turn, stage, startedAt, outcome) {
      const finishedAt = new Date();
      const timing: StageTiming = {
        stage,
        startedAt,
        finishedAt: finishedAt.toISOString(),
        durationMs: Math.max(0, finishedAt.getTime() - Date.parse(startedAt)),
        status: outcome.status ?? 'ok',
      };
      await store.recordStage(turn.turnId, timing);
      if (outcome.trace !== undefined) await store.updateTurn(turn.turnId, outcome.trace);
      await publishEvent(
        eventLog,
        turn,
        EventType.stageFinished,
        { stage, status: timing.status, durationMs: timing.durationMs, summary: outcome.summary ?? null },
        stage,
      );
      metrics?.stageFinished(stage, timing.durationMs / 1000);
      if (stage === 'retrieve') reportRetrievalSources(metrics, outcome.trace?.retrieval);
      return timing;
    },
    async run(turn, stage, work, describe) {
      const startedAt = await recorder.started(turn, stage);
      const value = await work();
      await recorder.finished(turn, stage, startedAt, describe?.(value) ?? {});
      return value;
    },
  };
  return recorder;
}
