/** One conformance suite for both breakers: in process, and shared through the real Redis on 127.0.0.1:6379. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCircuitBreaker } from './circuit-breaker.js';
import type { BreakerSettings, CircuitBreaker } from './circuit-breaker.js';
import { RedisCircuitBreaker } from './redis-circuit-breaker.js';
import { FakeClock } from './__fixtures__/scripted-chat-model.js';

const REDIS_URL = process.env.AGENTCRAFT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SETTINGS: BreakerSettings = { failureThreshold: 3, cooldownMs: 10_000, probeTimeoutMs: 20_000 };

let redis: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

type BreakerFactory = (clock: FakeClock) => CircuitBreaker[];

/** Each factory returns two handles on one shared state (two workers for Redis, the same object in process). */
const implementations: [string, BreakerFactory][] = [
  [
    'in-memory',
    (clock) => {
      const breaker = new InMemoryCircuitBreaker({ clock: clock.now, settings: SETTINGS });
      return [breaker, breaker];
    },
  ],
  [
    'redis',
    (clock) => {
      const keyPrefix = `agentcraft-test:${randomUUID()}:`;
      prefixes.push(keyPrefix);
      return [0, 1].map(() => new RedisCircuitBreaker({ client: redis, keyPrefix, clock: clock.now, settings: SETTINGS }));
    },
  ],
];

describe.each(implementations)('%s circuit breaker', (_name, create) => {
  it('stays closed below the threshold and a success resets the count', async () => {
    const [breaker] = create(new FakeClock()) as [CircuitBreaker];
    await breaker.recordFailure('acme');
    await breaker.recordFailure('acme');
    await breaker.recordSuccess('acme');
    await breaker.recordFailure('acme');
    await breaker.recordFailure('acme');
    expect(await breaker.acquire('acme', 'model-a')).toEqual({ allowed: true, state: 'closed', probe: false });
    expect(await breaker.snapshot('acme')).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
  });

  it('opens after N consecutive failures, half-opens after the cooldown with one probe, and closes on success', async () => {
    const clock = new FakeClock();
    const [first, second] = create(clock) as [CircuitBreaker, CircuitBreaker];
    for (let failure = 0; failure < 3; failure += 1) await first.recordFailure('acme');
    expect(await second.acquire('acme', 'model-a')).toEqual({ allowed: false, state: 'open', reason: 'breaker open', retryInMs: 10_000 });
    expect(await second.acquire('other', 'model-a')).toMatchObject({ allowed: true });
    clock.advance(10_000);
    expect(await second.acquire('acme', 'model-a')).toEqual({ allowed: true, state: 'half-open', probe: true });
    // Only one probe at a time, across workers.
    expect(await first.acquire('acme', 'model-a')).toMatchObject({ allowed: false, state: 'half-open', reason: 'breaker half-open, probe in flight' });
    await second.recordSuccess('acme');
    expect(await first.acquire('acme', 'model-a')).toEqual({ allowed: true, state: 'closed', probe: false });
    expect(await first.snapshot('acme')).toMatchObject({ state: 'closed', consecutiveFailures: 0, openedAt: null });
  });

  it('re-opens when the probe fails, and lets a new probe through when one was lost', async () => {
    const clock = new FakeClock();
    const [breaker] = create(clock) as [CircuitBreaker];
    await breaker.recordFailure('acme', { trip: true });
    expect(await breaker.snapshot('acme')).toMatchObject({ state: 'open', openedAt: clock.nowMs });
    clock.advance(10_000);
    expect(await breaker.acquire('acme', 'model-a')).toMatchObject({ allowed: true, probe: true });
    await breaker.recordFailure('acme');
    expect(await breaker.acquire('acme', 'model-a')).toMatchObject({ allowed: false, state: 'open', retryInMs: 10_000 });
    clock.advance(10_000);
    expect(await breaker.acquire('acme', 'model-a')).toMatchObject({ allowed: true, probe: true });
    // The probe's worker died: after the probe timeout someone else may probe.
    clock.advance(20_000);
    expect(await breaker.acquire('acme', 'model-a')).toMatchObject({ allowed: true, state: 'half-open', probe: true });
  });

  it('pauses one model until a retry-after, never shortens a pause, and keeps it through a success', async () => {
    const clock = new FakeClock();
    const [first, second] = create(clock) as [CircuitBreaker, CircuitBreaker];
    await first.pause('acme', 'model-a', clock.nowMs + 5_000);
    await first.pause('acme', 'model-a', clock.nowMs + 1_000);
    await first.recordSuccess('acme');
    expect(await second.acquire('acme', 'model-a')).toEqual({ allowed: false, state: 'closed', reason: 'rate limited, retry after 5000 ms', retryInMs: 5_000 });
    expect(await second.acquire('acme', 'model-b')).toMatchObject({ allowed: true });
    clock.advance(5_000);
    expect(await second.acquire('acme', 'model-a')).toMatchObject({ allowed: true });
    expect((await second.snapshot('acme')).pausedUntil).toEqual({ 'model-a': clock.nowMs });
  });
});
