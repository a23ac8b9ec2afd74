/**
 * The circuit breaker shared by every worker through Redis: one hash per provider
 * (`<prefix>breaker:<provider>`), each transition one Lua script so concurrent workers see one state and only
 * one of them gets the half-open probe. Same state machine as `InMemoryCircuitBreaker` (see there).
 * Time comes from the caller's clock (epoch ms), so workers should keep their clocks in sync (NTP); skew only
 * shifts the cooldown by the skew.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BreakerState, DEFAULT_BREAKER_SETTINGS } from './circuit-breaker.js';
import type { BreakerDecision, BreakerSettings, BreakerSnapshot, CircuitBreaker, Clock } from './circuit-breaker.js';

/** Helpers shared by every script: reading optional numbers of the hash. Model pauses are fields `pause:<modelId>`. */
const PRELUDE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local function num(value) if value then return tonumber(value) end return nil end
local fields = redis.call('HMGET', key, 'state', 'failures', 'openedAt', 'probeStartedAt')
local state = fields[1] or 'closed'
`;

/** ARGV[3] cooldown ms, ARGV[4] probe timeout ms, ARGV[5] pause field → { allowed 0|1, state, why, retryInMs }. */
const ACQUIRE = `${PRELUDE}
local cooldown, probeTimeout = tonumber(ARGV[3]), tonumber(ARGV[4])
local openedAt, probe, paused = num(fields[3]), num(fields[4]), num(redis.call('HGET', key, ARGV[5]))
if paused and now < paused then return {0, state, 'paused', paused - now} end
if state == 'open' and openedAt then
  if now < openedAt + cooldown then return {0, state, 'open', openedAt + cooldown - now} end
  state = 'half-open'
  probe = nil
end
if state == 'half-open' then
  if probe and now < probe + probeTimeout then return {0, state, 'probe', probe + probeTimeout - now} end
  redis.call('HSET', key, 'state', state, 'probeStartedAt', now)
  redis.call('PEXPIRE', key, ttl)
  return {1, state, 'probe', 0}
end
return {1, state, 'closed', 0}
`;

const SUCCESS = `${PRELUDE}
redis.call('HSET', key, 'state', 'closed', 'failures', 0)
redis.call('HDEL', key, 'openedAt', 'probeStartedAt')
redis.call('PEXPIRE', key, ttl)
return 1
`;

/** ARGV[3] failure threshold, ARGV[4] trip (1/0). */
const FAILURE = `${PRELUDE}
local failures = redis.call('HINCRBY', key, 'failures', 1)
local opens = state == 'half-open' or ARGV[4] == '1' or failures >= tonumber(ARGV[3])
if opens and state ~= 'open' then
  redis.call('HSET', key, 'state', 'open', 'openedAt', now)
  redis.call('HDEL', key, 'probeStartedAt')
end
redis.call('PEXPIRE', key, ttl)
return 1
`;

/** ARGV[3] paused until (epoch ms), ARGV[4] pause field. */
const PAUSE = `${PRELUDE}
local pauseUntil = tonumber(ARGV[3])
local paused = num(redis.call('HGET', key, ARGV[4]))
if not paused or paused < pauseUntil then redis.call('HSET', key, ARGV[4], pauseUntil) end
redis.call('PEXPIRE', key, math.max(ttl, pauseUntil - now))
return 1
`;

/** Options of {@link RedisCircuitBreaker}. */
export interface RedisCircuitBreakerOptions {
  /** A connected ioredis client; the caller owns (and closes) it. */
  client: Redis;
  /** Prefix of every key (default `agentcraft:llm:`), e.g. per environment or per test. */
  keyPrefix?: string;
  settings?: Partial<BreakerSettings>;
  clock?: Clock;
  /** Idle time after which a provider's state is forgotten (default 1 day). */
  stateTtlMs?: number;
}

/** Production breaker: state in Redis, shared by every worker. */
export class RedisCircuitBreaker implements CircuitBreaker {
  private readonly client: Redis;
  private readonly keyPrefix: string;
  private readonly settings: BreakerSettings;
  private readonly clock: Clock;
  private readonly stateTtlMs: number;

  constructor(options: RedisCircuitBreakerOptions) {
    this.client = options.client;
    this.keyPrefix = options.keyPrefix ?? 'agentcraft:llm:';
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...options.settings };
    this.clock = options.clock ?? Date.now;
    this.stateTtlMs = options.stateTtlMs ?? 24 * 60 * 60 * 1000;
  }

  async acquire(provider: string, modelId: string): Promise<BreakerDecision> {
    const reply = await this.run(ACQUIRE, provider, this.settings.cooldownMs, this.settings.probeTimeoutMs, pauseField(modelId));
    if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`breaker script returned ${JSON.stringify(reply)}`);
    const [allowed, state, why, retryInMs] = reply as [number, BreakerState, string, number];
    if (allowed === 1) return { allowed: true, state, probe: why === 'probe' };
    const reason = why === 'paused' ? `rate limited, retry after ${retryInMs} ms` : why === 'open' ? 'breaker open' : 'breaker half-open, probe in flight';
    return { allowed: false, state, reason, retryInMs };
  }

  async recordSuccess(provider: string): Promise<void> {
    await this.run(SUCCESS, provider);
  }

  async recordFailure(provider: string, options: { trip?: boolean } = {}): Promise<void> {
    await this.run(FAILURE, provider, this.settings.failureThreshold, options.trip === true ? 1 : 0);
  }

  async pause(provider: string, modelId: string, untilEpochMs: number): Promise<void> {
    await this.run(PAUSE, provider, Math.ceil(untilEpochMs), pauseField(modelId));
  }

  async snapshot(provider: string): Promise<BreakerSnapshot> {
    const fields = await this.client.hgetall(this.key(provider));
    const pausedUntil: Record<string, number> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith(PAUSE_FIELD_PREFIX)) pausedUntil[field.slice(PAUSE_FIELD_PREFIX.length)] = Number(value);
    }
    return {
      provider,
      state: (fields.state as BreakerState | undefined) ?? BreakerState.closed,
      consecutiveFailures: fields.failures === undefined ? 0 : Number(fields.failures),
      openedAt: fields.openedAt === undefined ? null : Number(fields.openedAt),
      pausedUntil,
    };
  }

  private key(provider: string): string {
    return `${this.keyPrefix}breaker:${provider}`;
  }

  /** EVALSHA, falling back to EVAL when the server's script cache lacks the script. */
  private async run(script: string, provider: string, ...extra: (string | number)[]): Promise<unknown> {
    const parameters = [Math.floor(this.clock()), this.stateTtlMs, ...extra];
    try {
      return await this.client.evalsha(scriptSha(script), 1, this.key(provider), ...parameters);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.client.eval(script, 1, this.key(provider), ...parameters);
    }
  }
}

const PAUSE_FIELD_PREFIX = 'pause:';
const pauseField = (modelId: string): string => `${PAUSE_FIELD_PREFIX}${modelId}`;

const shas = new Map<string, string>();
function scriptSha(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}
