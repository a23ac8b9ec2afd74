import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent, TurnRecord } from '../api/types';
import { layoutTimeline, overlaps } from './timeline-layout';
import { TurnTimeline } from './turn-timeline';

const t = (ms: number): string => new Date(Date.UTC(2026, 0, 1, 10, 0, 0, ms)).toISOString();
const turn: TurnRecord = {
  id: 'c1.1',
  conversationId: 'c1',
  turnNumber: 1,
  workflowId: 'conversation-c1-turn-1',
  status: 'completed',
  stages: [
    { stage: 'route', startedAt: t(0), finishedAt: t(10), durationMs: 10, status: 'ok' },
    { stage: 'retrieve', startedAt: t(10), finishedAt: t(60), durationMs: 50, status: 'degraded' },
    { stage: 'agents', startedAt: t(60), finishedAt: t(460), durationMs: 400, status: 'ok' },
    { stage: 'synthesize', startedAt: t(460), finishedAt: t(760), durationMs: 300, status: 'ok' },
  ],
  route: null,
  retrieval: [
    { source: 'knowledge', status: 'ok', durationMs: 40, hits: 8 },
    { source: 'web', status: 'timeout', durationMs: 50, hits: 0 },
  ],
  retrievalHits: [],
  agents: ['billing-expert', 'integration-specialist'],
  llmCalls: [
    { purpose: 'agent', agentId: 'billing-expert', provider: 'offline', modelId: 'm', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, latencyMs: 300, attempt: 1 },
    { purpose: 'agent', agentId: 'integration-specialist', provider: 'offline', modelId: 'm', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, latencyMs: 390, attempt: 1 },
    { purpose: 'synthesize', provider: 'offline', modelId: 'm', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, latencyMs: 290, attempt: 2 },
  ],
  qa: [],
  escalated: false,
  escalationId: null,
  confidence: 0.9,
  costUsd: 0,
  createdAt: t(0),
  finishedAt: t(800),
};
const agentEvent = (seq: number, type: 'agent-started' | 'agent-finished', agentId: string, ms: number): ConversationEvent => ({
  seq,
  conversationId: 'c1',
  turnId: 'c1.1',
  type,
  at: t(ms),
  payload: { agentId },
});

describe('layoutTimeline', () => {
  it('puts parallel agents under the agents stage, on overlapping spans taken from their events', () => {
    const events = [agentEvent(1, 'agent-started', 'billing-expert', 60), agentEvent(2, 'agent-started', 'integration-specialist', 65), agentEvent(3, 'agent-finished', 'billing-expert', 360), agentEvent(4, 'agent-finished', 'integration-specialist', 455)];
    const layout = layoutTimeline(turn, events);
    const billing = layout.rows.find((row) => row.id === 'agent:billing-expert');
    const integration = layout.rows.find((row) => row.id === 'agent:integration-specialist');
    expect(billing).toMatchObject({ parent: 'agents', offsetMs: 60, durationMs: 300 });
    expect(integration).toMatchObject({ parent: 'agents', offsetMs: 65, durationMs: 390 });
    expect(overlaps(billing!, integration!)).toBe(true);
    expect(layout.totalMs).toBe(800);
  });

  it('falls back to the agents\' model-call latency when the log no longer has their events', () => {
    const layout = layoutTimeline(turn, []);
    expect(layout.rows.find((row) => row.id === 'agent:integration-specialist')).toMatchObject({ offsetMs: 60, durationMs: 390 });
  });

  it('orders stages and nests retrieval sources and model calls under their stage', () => {
    const layout = layoutTimeline(turn, []);
    expect(layout.rows.map((row) => row.id)).toEqual([
      'stage:route',
      'stage:retrieve',
      'source:knowledge',
      'source:web',
      'stage:agents',
      'agent:billing-expert',
      'agent:integration-specialist',
      'stage:synthesize',
      'llm:synthesize:0',
    ]);
    expect(layout.rows.find((row) => row.id === 'llm:synthesize:0')?.status).toBe('attempt 2');
    const sources = layout.rows.filter((row) => row.kind === 'source');
    expect(overlaps(sources[0]!, sources[1]!)).toBe(true);
  });
});

describe('TurnTimeline', () => {
  it('draws parallel agents side by side on one time axis with their durations', () => {
    const { container } = render(<TurnTimeline layout={layoutTimeline(turn, [])} />);
    const bars = ['agent:billing-expert', 'agent:integration-specialist'].map((id) => container.querySelector<HTMLElement>(`[data-row="${id}"] .timeline-bar`));
    expect(bars[0]?.style.left).toBe('7.5%');
    expect(bars[1]?.style.left).toBe('7.5%');
    const list = screen.getByRole('list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(9);
    expect(within(list).getByText('web (0 hits)').closest('li')).toHaveTextContent('timeout');
    expect(screen.getByText(/Total 800 ms/)).toBeInTheDocument();
  });
});
