import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../chat-model.js';
import { ProviderError } from '../provider-error.js';
import { ContentPolicyError, ModelsUnavailableError } from './router-errors.js';
import { callContext, createHarness, question } from './__fixtures__/router-harness.js';

const answer = (text = 'ok') => ({ text, usage: { inputTokens: 1_000, outputTokens: 200 } });
const trail = (attempts: { provider: string; modelId: string; outcome: string; reason: string }[] | undefined) =>
  (attempts ?? []).map((attempt) => `${attempt.provider}/${attempt.modelId} ${attempt.outcome}: ${attempt.reason.split(':')[0]}`);

async function drain(stream: AsyncIterable<ChatStreamPart>): Promise<{ parts: ChatStreamPart[]; error: unknown }> {
  const parts: ChatStreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

describe('RoutedChatModel fallback', () => {
  it('moves to the next model on 529 and 5xx, in price order, recording each failure', async () => {
    const harness = createHarness({
      scripts: {
        'beta/medium': [{ fail: { kind: 'overloaded', status: 529 } }],
        'alpha/medium': [{ fail: { kind: 'timeout' } }],
        'beta/large': [answer('from premium')],
        'alpha/small': [answer('degraded')],
      },
    });
    const result = await harness.router.generate(question('synthesize'), { context: callContext() });
    expect(result.text).toBe('from premium');
    expect(trail(result.attempts)).toEqual(['beta/medium failed: 529 overloaded', 'alpha/medium failed: timeout', 'beta/large ok: cheapest healthy model meeting the balanced tier']);
    // Busy or slow providers are not retried in place: the failover should not wait for them.
    expect(harness.clock.sleeps).toEqual([]);
    harness.assertNoOverrun();
  });

  it('retries the same model once after a short 429 retry-after, waiting exactly that long', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'rate-limited', status: 429, retryAfterMs: 300 } }, answer('second try')] } });
    const result = await harness.router.generate(question('route'), { context: callContext() });
    expect(result.text).toBe('second try');
    expect(harness.clock.sleeps).toEqual([300]);
    expect(trail(result.attempts)).toEqual(['alpha/small failed: 429 rate-limited (retry after 300 ms)', 'alpha/small ok: cheapest healthy model meeting the fast tier']);
    harness.assertNoOverrun();
  });

  it('leaves a model alone for a long 429 retry-after and fails over at once', async () => {
    const harness = createHarness({
      scripts: { 'alpha/small': [{ fail: { kind: 'rate-limited', status: 429, retryAfterMs: 30_000 } }, answer('alpha again')], 'beta/small': [answer('beta'), answer('beta')] },
    });
    const first = await harness.router.generate(question('route'), { context: callContext() });
    expect(first.text).toBe('beta');
    harness.clock.advance(10_000);
    const second = await harness.router.generate(question('route'), { context: callContext() });
    expect(trail(second.attempts)[0]).toBe('alpha/small skipped: rate limited, retry after 20000 ms');
    harness.clock.advance(20_000);
    expect((await harness.router.generate(question('route'), { context: callContext() })).text).toBe('alpha again');
    expect(harness.clock.sleeps).toEqual([]);
    harness.assertNoOverrun();
  });

  it('waits once for the model that frees up soonest when every candidate is paused or open', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [answer('after the pause')], 'beta/small': [] } });
    await harness.router.breaker.pause('alpha', 'small', harness.clock.now() + 800);
    await harness.router.breaker.recordFailure('beta', { trip: true });
    const result = await harness.router.generate(question('route'), { context: callContext() });
    expect(result.text).toBe('after the pause');
    expect(harness.clock.sleeps).toEqual([800]);
    expect(trail(result.attempts)).toEqual(['alpha/small skipped: rate limited, retry after 800 ms', 'beta/small skipped: breaker open', 'alpha/small ok: cheapest healthy model meeting the fast tier']);
    // Longer than the cap (1 s): no wait, a retryable error for Temporal.
    await harness.router.breaker.pause('alpha', 'small', harness.clock.now() + 5_000);
    await expect(harness.router.generate(question('route'), { context: callContext() })).rejects.toBeInstanceOf(ModelsUnavailableError);
    expect(harness.clock.sleeps).toEqual([800]);
    harness.assertNoOverrun();
  });

  it('stops on a content-policy refusal without trying another model', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'content-policy', status: 400 } }], 'beta/small': [] } });
    const call = harness.router.generate(question('route'), { context: callContext() });
    await expect(call).rejects.toBeInstanceOf(ContentPolicyError);
    await expect(call).rejects.toMatchObject({ retryable: false, failureType: 'ContentPolicy', attempts: [expect.objectContaining({ outcome: 'failed' })] });
    expect(harness.models['beta/small']?.calls).toBe(0);
    // The provider answered: its breaker is not blamed.
    expect((await harness.router.breaker.snapshot('alpha')).consecutiveFailures).toBe(0);
  });

  it('after a context-length error tries only models with a larger window', async () => {
    const harness = createHarness({
      scripts: { 'beta/medium': [{ fail: { kind: 'context-length', status: 400 } }], 'alpha/small': [], 'beta/small': [], 'offline/offline': [answer('bigger window')] },
    });
    const result = await harness.router.generate(question('synthesize'), { context: callContext() });
    expect(result.text).toBe('bigger window');
    expect(trail(result.attempts)).toEqual([
      'beta/medium failed: 400 context-length',
      'alpha/small skipped: window 8000 not larger than one that overflowed',
      'beta/small skipped: window 16000 not larger than one that overflowed',
      'offline/offline ok: last resort',
    ]);
    harness.assertNoOverrun();
  });

  it('marks a provider unhealthy after an authentication error and skips it on the next call', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'authentication', status: 401 } }], 'beta/small': [answer(), answer()] } });
    await harness.router.generate(question('route'), { context: callContext() });
    const next = await harness.router.generate(question('route'), { context: callContext() });
    expect(trail(next.attempts)[0]).toBe('alpha/small skipped: breaker open');
    harness.assertNoOverrun();
  });

  it('opens the breaker after consecutive failures, probes once after the cooldown, and closes on success', async () => {
    const overloaded = { fail: { kind: 'overloaded' as const, status: 529 } };
    const harness = createHarness({
      breakerSettings: { failureThreshold: 2, cooldownMs: 5_000 },
      scripts: { 'alpha/small': [overloaded, overloaded, overloaded, answer('alpha back')], 'beta/small': Array.from({ length: 5 }, () => answer('beta')) },
    });
    const call = () => harness.router.generate(question('route'), { context: callContext() });
    await call();
    await call();
    expect(trail((await call()).attempts)[0]).toBe('alpha/small skipped: breaker open');
    harness.clock.advance(5_000);
    // Half-open: one probe, which fails → open again.
    expect(trail((await call()).attempts)[0]).toBe('alpha/small failed: 529 overloaded');
    expect(trail((await call()).attempts)[0]).toBe('alpha/small skipped: breaker open');
    harness.clock.advance(5_000);
    expect((await call()).text).toBe('alpha back');
    expect((await harness.router.breaker.snapshot('alpha')).state).toBe('closed');
    harness.assertNoOverrun();
  });

  it('throws a retryable ModelsUnavailableError when every candidate failed', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'overloaded', status: 529 } }], 'beta/small': [{ fail: { kind: 'network' } }, { fail: { kind: 'network' } }] } });
    const call = harness.router.generate(question('route'), { context: callContext() });
    await expect(call).rejects.toBeInstanceOf(ModelsUnavailableError);
    await expect(call).rejects.toMatchObject({ retryable: true, cause: expect.any(ProviderError) as unknown });
    // A network glitch gets one quick retry on the same model.
    expect(harness.clock.sleeps).toEqual([100]);
    harness.assertNoOverrun();
  });
});

describe('RoutedChatModel streaming', () => {
  it('fails over before the first token and streams exactly one model', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [{ fail: { kind: 'overloaded', status: 529 } }], 'beta/small': [answer('hello from beta')] } });
    const { parts, error } = await drain(harness.router.stream(question('route'), { context: callContext() }));
    expect(error).toBeUndefined();
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('hello from beta');
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && trail(finish.result.attempts)).toEqual(['alpha/small failed: 529 overloaded', 'beta/small ok: cheapest healthy model meeting the fast tier']);
    expect(finish?.type === 'finish' && finish.result.costUsd).toBeCloseTo((1_000 * 1.1 + 200 * 5.5) / 1e6, 12);
  });

  it('never switches models after the first token: the failure is rethrown for the activity to retry', async () => {
    const harness = createHarness({
      scripts: { 'alpha/small': [{ text: 'partial answer', fail: { kind: 'stalled' }, failAfterText: true }], 'beta/small': [] },
    });
    const context = callContext();
    const { parts, error } = await drain(harness.router.stream(question('route'), { context }));
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta']);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'stalled', afterFirstToken: true, retryable: true });
    expect(harness.models['beta/small']?.calls).toBe(0);
    expect(await harness.ledger.totals({ turnId: context.turnId })).toMatchObject({ attempts: 1, costUsd: 0 });
  });

  it('bills the held estimate when the consumer stops reading mid-stream', async () => {
    const harness = createHarness({ scripts: { 'alpha/small': [answer('one two three four')] } });
    const context = callContext();
    for await (const part of harness.router.stream(question('route'), { context })) {
      if (part.type === 'text-delta') break;
    }
    const totals = await harness.ledger.totals({ turnId: context.turnId });
    expect(totals.attempts).toBe(1);
    expect(totals.outputTokens).toBe(1_024);
    expect(totals.costUsd).toBeGreaterThan(0.005);
  });
});
