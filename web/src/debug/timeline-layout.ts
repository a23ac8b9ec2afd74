/**
 * Lays out a turn's timeline: one row per stage, and under a stage one row per thing that ran inside it
 * (retrieval sources, specialist agents, model calls). Rows under the same stage that overlap in time
 * ran in parallel and are drawn side by side on the same time axis.
 */
import type { ConversationEvent, TurnRecord } from '../api/types';

export type TimelineKind = 'stage' | 'source' | 'agent' | 'llm';

export interface TimelineRow {
  id: string;
  label: string;
  kind: TimelineKind;
  /** The stage a child row ran in (children only). */
  parent: string | null;
  offsetMs: number;
  durationMs: number;
  status: string;
}

export interface TimelineLayout {
  startedAt: number;
  totalMs: number;
  rows: TimelineRow[];
}

const time = (iso: string): number => Date.parse(iso);

export function layoutTimeline(turn: TurnRecord, events: ConversationEvent[] = []): TimelineLayout {
  const stages = [...turn.stages].sort((a, b) => time(a.startedAt) - time(b.startedAt));
  const starts = [time(turn.createdAt), ...stages.map((stage) => time(stage.startedAt))].filter(Number.isFinite);
  const startedAt = Math.min(...starts);
  const rows: TimelineRow[] = [];
  for (const stage of stages) {
    const offset = time(stage.startedAt) - startedAt;
    rows.push({ id: `stage:${stage.stage}`, label: stage.stage, kind: 'stage', parent: null, offsetMs: offset, durationMs: stage.durationMs, status: stage.status });
    if (stage.stage === 'retrieve') rows.push(...sourceRows(turn, offset));
    if (stage.stage === 'agents') rows.push(...agentRows(turn, events, startedAt, offset));
    if (stage.stage === 'synthesize') rows.push(...llmRows(turn, 'synthesize', offset));
  }
  const ends = rows.map((row) => row.offsetMs + row.durationMs);
  const finished = turn.finishedAt === null ? 0 : time(turn.finishedAt) - startedAt;
  return { startedAt, totalMs: Math.max(1, finished, ...ends), rows };
}

function sourceRows(turn: TurnRecord, stageOffset: number): TimelineRow[] {
  return turn.retrieval.map((source) => ({
    id: `source:${source.source}`,
    label: `${source.source} (${source.hits} hits)`,
    kind: 'source',
    parent: 'retrieve',
    offsetMs: stageOffset,
    durationMs: source.durationMs,
    status: source.status,
  }));
}

/** Agents from their own events when the log still has them, else from their model call's latency. */
function agentRows(turn: TurnRecord, events: ConversationEvent[], startedAt: number, stageOffset: number): TimelineRow[] {
  const ofTurn = events.filter((event) => event.turnId === turn.id);
  return turn.agents.map((agentId) => {
    const started = ofTurn.find((event) => event.type === 'agent-started' && event.payload.agentId === agentId);
    const finished = ofTurn.find((event) => event.type === 'agent-finished' && event.payload.agentId === agentId);
    const call = turn.llmCalls.find((entry) => entry.purpose === 'agent' && entry.agentId === agentId);
    const offsetMs = started === undefined ? stageOffset : time(started.at) - startedAt;
    const durationMs =
      started !== undefined && finished !== undefined ? time(finished.at) - time(started.at) : (call?.latencyMs ?? 0);
    return { id: `agent:${agentId}`, label: agentId, kind: 'agent' as const, parent: 'agents', offsetMs, durationMs: Math.max(0, durationMs), status: finished === undefined && call === undefined ? 'unknown' : 'ok' };
  });
}

function llmRows(turn: TurnRecord, purpose: string, stageOffset: number): TimelineRow[] {
  return turn.llmCalls
    .filter((call) => call.purpose === purpose)
    .map((call, index) => ({
      id: `llm:${purpose}:${index}`,
      label: `${call.provider}/${call.modelId}`,
      kind: 'llm' as const,
      parent: purpose,
      offsetMs: stageOffset,
      durationMs: call.latencyMs,
      status: call.attempt > 1 ? `attempt ${call.attempt}` : 'ok',
    }));
}

/** True when two rows ran at the same time (drawn in parallel). */
export function overlaps(a: TimelineRow, b: TimelineRow): boolean {
  return a.offsetMs < b.offsetMs + b.durationMs && b.offsetMs < a.offsetMs + a.durationMs;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
