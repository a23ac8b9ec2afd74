import { describe, expect, it } from 'vitest';
import { BudgetExceededError, MissingCallContextError, NoModelFitsError } from './router-errors.js';
import { callContext, createHarness, question } from './__fixtures__/router-harness.js';
import type { Harness } from './__fixtures__/router-harness.js';

const answer = (text = 'ok') => ({ text, usage: { inputTokens: 1_000, outputTokens: 200 } });
const everyModel = (steps = [answer(), answer(), answer()]) => ({
  'alpha/small': [...steps],
  'beta/small': [...steps],
  'alpha/medium': [...steps],
  'beta/medium': [...steps],
  'beta/large': [...steps],
});

function finish(harness: Harness): void {
  harness.assertNoOverrun();
}

describe('RoutedChatModel model selection', () => {
  it('picks the cheapest model of the required tier and prices the call from the catalog and reported usage', async () => {
    const harness = createHarness({ scripts: everyModel() });
    const result = await harness.router.generate(question('synthesize'), { context: callContext() });
    expect(result.modelId).toBe('medium');
    expect(result.provider).toBe('beta');
    // beta/medium: $2 / $8 per million → 1 000 × 2 + 200 × 8 = 3 600 micro-dollars.
    expect(result.costUsd).toBeCloseTo(0.0036, 10);
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'beta', modelId: 'medium', outcome: 'ok', reason: expect.stringContaining('balanced') as string, costUsd: result.costUsd }),
    ]);
    finish(harness);
  });

  it('uses a fast model for routing and raises the tier with complexity and the agent preferred tier', async () => {
    const harness = createHarness({ scripts: everyModel() });
    const route = await harness.router.generate(question('route'), { context: callContext({ complexity: 'complex' }) });
    const simpleAgent = await harness.router.generate(question('agent'), { context: callContext({ complexity: 'simple' }) });
    const moderateAgent = await harness.router.generate(question('agent'), { context: callContext({ complexity: 'moderate' }) });
    const complexAgent = await harness.router.generate(question('agent'), { context: callContext({ complexity: 'complex' }) });
    const preferred = await harness.router.generate(question('qa'), { context: callContext({ complexity: 'simple', preferredTier: 'premium' }) });
    expect([route, simpleAgent, moderateAgent, complexAgent, preferred].map((result) => `${result.provider}/${result.modelId}`)).toEqual([
      'alpha/small',
      'alpha/small',
      'beta/medium',
      'beta/large',
      // qa is fast by policy, but never below the agent's preferred tier.
      'beta/large',
    ]);
    finish(harness);
  });

  it('skips models whose window cannot hold the prompt (real token count) plus the output budget', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [], 'beta/small': [], 'alpha/medium': [answer()] } });
    // ~12 000 o200k tokens: more than alpha/small's 8 000 window, more than beta/small's 16 000 with 4 096 of output.
    const longText = 'Please summarise this refund policy paragraph for the customer. '.repeat(1_200);
    const result = await harness.router.generate({ ...question('summarize', longText), maxOutputTokens: 4_096 }, { context: callContext() });
    expect(`${result.provider}/${result.modelId}`).toBe('alpha/medium');
    const skipped = result.attempts?.filter((attempt) => attempt.outcome === 'skipped') ?? [];
    expect(skipped.map((attempt) => attempt.modelId)).toEqual(['small', 'small']);
    expect(skipped[0]?.reason).toMatch(/^prompt does not fit: \d+ input \+ 4096 output tokens > 8000 window$/);
    finish(harness);
  });

  it('sends a local-only tenant to local models, and refuses when none is configured', async () => {
    const harness = createHarness({ scripts: { ...everyModel(), 'local/llama': [answer()] } });
    const result = await harness.router.generate(question('synthesize'), { context: callContext({ localOnly: true }) });
    expect(`${result.provider}/${result.modelId}`).toBe('local/llama');
    expect(result.costUsd).toBe(0);
    expect(result.attempts?.filter((attempt) => attempt.outcome === 'skipped').map((attempt) => attempt.reason)).toEqual(
      Array.from({ length: 5 }, () => 'tenant allows local models only'),
    );
    const cloudOnly = createHarness({ scripts: everyModel([]) });
    await expect(cloudOnly.router.generate(question('synthesize'), { context: callContext({ localOnly: true }) })).rejects.toBeInstanceOf(NoModelFitsError);
    finish(harness);
    finish(cloudOnly);
  });

  it('considers only configured providers and keeps the offline model as the last resort of any tier', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'overloaded', status: 529 } }], 'offline/offline': [answer('extractive')] } });
    const result = await harness.router.generate(question('synthesize', 'complex question'), { context: callContext({ complexity: 'complex' }) });
    expect(result.text).toBe('extractive');
    expect(result.attempts?.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason.split(':')[0]])).toEqual([
      ['alpha', 'failed', '529 overloaded'],
      ['offline', 'ok', 'last resort'],
    ]);
    finish(harness);
  });

  it('prefers the faster of near-equal-cost models once it has latency averages', async () => {
    const harness = createHarness({
      scripts: { 'alpha/small': [{ text: 'slow', latencyMs: 900 }], 'beta/small': [{ text: 'fast', latencyMs: 200 }, { text: 'fast', latencyMs: 200 }] },
    });
    // No averages yet: the cheaper alpha answers (slowly).
    expect((await harness.router.generate(question('route'), { context: callContext() })).text).toBe('slow');
    // alpha unavailable for one call: beta answers and gets its average.
    await harness.router.breaker.recordFailure('alpha', { trip: true });
    expect((await harness.router.generate(question('route'), { context: callContext() })).text).toBe('fast');
    await harness.router.breaker.recordSuccess('alpha');
    // Both healthy, prices within 25 %: the faster beta goes first.
    const balanced = await harness.router.generate(question('route'), { context: callContext() });
    expect(balanced.text).toBe('fast');
    expect(balanced.attempts?.at(-1)?.reason).toMatch(/faster of near-equal-cost models \(avg 200 ms\)$/);
    expect(harness.router.latency.average('alpha/small')).toBe(900);
    finish(harness);
  });

  it('refuses a call without a context (accounting cannot be skipped)', async () => {
    const harness = createHarness({ scripts: everyModel([]) });
    await expect(harness.router.generate(question('route'))).rejects.toBeInstanceOf(MissingCallContextError);
    finish(harness);
  });
});

describe('RoutedChatModel budgets', () => {
  it('degrades to a cheaper model when the preferred one would overspend, then refuses with the budget named', async () => {
    const harness = createHarness({
      scripts: { 'alpha/small': [answer(), answer()], 'beta/medium': [] },
      // beta/medium's worst case for this prompt is ~$0.0082; alpha/small's ~$0.0051.
      budgets: { turnUsd: 0.0065 },
    });
    const degraded = await harness.router.generate(question('synthesize'), { context: callContext() });
    expect(`${degraded.provider}/${degraded.modelId}`).toBe('alpha/small');
    expect(degraded.attempts?.[0]).toMatchObject({ modelId: 'medium', outcome: 'skipped', reason: expect.stringMatching(/^would exceed the turn budget \(up to \$0\.0082\d+, \$0\.006500 left\)$/) as string });
    expect(degraded.attempts?.[1]).toMatchObject({ modelId: 'small', outcome: 'ok', reason: 'degraded: below the required balanced tier' });
    // alpha/small cost $0.002 (1 000 × 1 + 200 × 5): $0.0045 left, less than any model's worst case.
    const refused = harness.router.generate(question('synthesize'), { context: callContext() });
    await expect(refused).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(refused).rejects.toMatchObject({ budget: 'turn', limitUsd: 0.0065, retryable: false, failureType: 'BudgetExceeded' });
    const spent = await harness.ledger.totals({ turnId: 'turn-1' });
    expect(spent.costUsd).toBeCloseTo(0.002, 10);
    expect(spent.costUsd).toBeLessThanOrEqual(0.0065);
    finish(harness);
  });

  it('checks conversation and tenant-day budgets too, and lets another turn of a fresh conversation spend', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [answer(), answer(), answer()] }, tenantBudgets: { 'tenant-1': { conversationUsd: 0.006 } } });
    await harness.router.generate(question('route'), { context: callContext({ turnId: 'turn-a' }) });
    await expect(harness.router.generate(question('route'), { context: callContext({ turnId: 'turn-b' }) })).rejects.toMatchObject({ budget: 'conversation' });
    await harness.router.generate(question('route'), { context: callContext({ turnId: 'turn-c', conversationId: 'conversation-2' }) });
    const daily = createHarness({ scripts: { 'alpha/small': [answer(), answer()] }, budgets: { tenantDayUsd: 0.006 } });
    await daily.router.generate(question('route'), { context: callContext({ conversationId: 'x' }) });
    await expect(daily.router.generate(question('route'), { context: callContext({ conversationId: 'y' }) })).rejects.toMatchObject({ budget: 'tenant-day' });
    daily.clock.advance(24 * 60 * 60 * 1000);
    // A new UTC day: the tenant's daily budget starts again.
    expect((await daily.router.generate(question('route'), { context: callContext({ conversationId: 'z' }) })).costUsd).toBeCloseTo(0.002, 10);
    finish(harness);
    finish(daily);
  });

  it('bills a call recorded twice under the same callId once', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [answer(), answer()] } });
    const context = callContext();
    await harness.router.generate(question('route'), { context });
    await harness.router.generate(question('route'), { context });
    expect(await harness.ledger.totals({ turnId: 'turn-1' })).toEqual({ costUsd: 0.002, inputTokens: 1_000, outputTokens: 200, attempts: 1 });
    finish(harness);
  });
});
