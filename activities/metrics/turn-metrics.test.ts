import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPrometheusTurnMetrics } from './prometheus-turn-metrics.js';
import { escalationReasonCode, outcomeOfDelivered, reportRetrievalSources, secondsSince } from './turn-metrics.js';

describe('turn metrics labels', () => {
  it('maps QA reason sentences onto a fixed set of reason codes', () => {
    const cases: [string, string][] = [
      ['the customer asked for a person', 'customer_request'],
      ['agent billing asked for a human: refund over limit', 'agent_request'],
      ['agents contradict each other about plan limits', 'contradiction'],
      ['the answer contains email address, phone number', 'personal_data'],
      ['2 of 5 sentences are not supported by their sources', 'ungrounded'],
      ['no sentence of the draft is supported by a source', 'ungrounded'],
      ['the draft cites 1 passage(s) quarantined for prompt injection', 'prompt_injection'],
      ['confidence 0.1 is below 0.2', 'low_confidence'],
      ['no model answered (ModelUnavailable): all providers failed', 'no_model'],
      ['qa', 'other'],
    ];
    expect(cases.map(([reason]) => [reason, escalationReasonCode(reason)])).toEqual(cases);
  });

  it('labels delivered turns and measures from the turn start', () => {
    expect(outcomeOfDelivered({ status: 'completed', escalated: false })).toBe('answered');
    expect(outcomeOfDelivered({ status: 'completed', escalated: true })).toBe('escalated');
    expect(outcomeOfDelivered({ status: 'failed', escalated: false })).toBe('failed');
    expect(secondsSince('2026-01-01T00:00:00.000Z', new Date('2026-01-01T00:00:02.500Z'))).toBe(2.5);
    expect(secondsSince(null)).toBeUndefined();
    expect(secondsSince('not a date')).toBeUndefined();
  });
});

describe('retrieval source metrics', () => {
  it('counts every source outcome of a retrieve trace, failures and timeouts included, and times all but disabled ones', async () => {
    const registry = new Registry();
    const metrics = createPrometheusTurnMetrics(registry);
    reportRetrievalSources(metrics, [
      { source: 'knowledge', status: 'ok', durationMs: 40 },
      { source: 'web', status: 'timeout', durationMs: 5000 },
      { source: 'history', status: 'failed', durationMs: 12 },
    ]);
    reportRetrievalSources(metrics, [
      { source: 'knowledge', status: 'ok', durationMs: 30 },
      { source: 'web', status: 'disabled', durationMs: 0 },
      { source: 'history', status: 'empty', durationMs: 3 },
    ]);
    reportRetrievalSources(undefined, [{ source: 'knowledge', status: 'ok', durationMs: 1 }]);
    reportRetrievalSources(metrics, undefined);
    const text = await registry.metrics();
    const lines = text.split('\n').filter((line) => line.startsWith('agentcraft_retrieval_source_total{'));
    expect(lines.sort()).toEqual(
      [
        'agentcraft_retrieval_source_total{source="knowledge",status="ok"} 2',
        'agentcraft_retrieval_source_total{source="web",status="timeout"} 1',
        'agentcraft_retrieval_source_total{source="history",status="failed"} 1',
        'agentcraft_retrieval_source_total{source="web",status="disabled"} 1',
        'agentcraft_retrieval_source_total{source="history",status="empty"} 1',
      ].sort(),
    );
    expect(text).toContain('agentcraft_retrieval_source_duration_seconds_count{source="web",status="timeout"} 1');
    expect(text).toContain('agentcraft_retrieval_source_duration_seconds_sum{source="web",status="timeout"} 5');
    expect(text).toContain('agentcraft_retrieval_source_duration_seconds_sum{source="knowledge",status="ok"} 0.07');
    expect(text).not.toContain('agentcraft_retrieval_source_duration_seconds_count{source="web",status="disabled"}');
  });
});
