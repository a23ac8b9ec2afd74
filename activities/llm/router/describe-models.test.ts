import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { describeModels } from './describe-models.js';
import { ROUTER_METRIC_NAMES, registerRouterMetrics } from './router-metrics.js';
import { callContext, createHarness, question } from './__fixtures__/router-harness.js';

describe('describeModels and router metrics', () => {
  it('shows every catalog entry with configuration, provider health and latency average', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'authentication', status: 401 } }], 'beta/small': [{ text: 'ok', latencyMs: 250 }] } });
    await harness.router.generate(question('route'), { context: callContext() });
    const models = await describeModels(harness.router, harness.clock.now());
    const byId = new Map(models.map((model) => [model.id, model]));
    expect(models).toHaveLength(7);
    expect(byId.get('alpha/small')).toMatchObject({ configured: true, health: 'unhealthy', breaker: { state: 'open' }, latencyAverageMs: null });
    expect(byId.get('beta/small')).toMatchObject({ configured: true, health: 'healthy', latencyAverageMs: 250, tier: 'fast' });
    expect(byId.get('local/llama')).toMatchObject({ configured: false, health: 'not-configured', breaker: null });
  });

  it('counts attempts by outcome and tokens and cost by model on the given registry', async () => {
    const registry = new Registry();
    const harness = createHarness({
      metrics: registerRouterMetrics(registry),
      scripts: { 'alpha/small': [{ fail: { kind: 'overloaded', status: 529 } }], 'beta/small': [{ text: 'ok', usage: { inputTokens: 1_000, outputTokens: 100 } }] },
    });
    await harness.router.generate(question('route'), { context: callContext({ localOnly: false }) });
    const text = await registry.metrics();
    expect(text).toContain(`${ROUTER_METRIC_NAMES.attempts}{provider="alpha",model="small",purpose="route",outcome="failed"} 1`);
    expect(text).toContain(`${ROUTER_METRIC_NAMES.attempts}{provider="beta",model="small",purpose="route",outcome="ok"} 1`);
    expect(text).toContain(`${ROUTER_METRIC_NAMES.tokens}{provider="beta",model="small",purpose="route",direction="input"} 1000`);
    expect(text).toContain(`${ROUTER_METRIC_NAMES.cost}{provider="beta",model="small",purpose="route"} 0.00165`);
  });
});
