/**
 * Rate limits with `rate-limiter-flexible`: per client IP (before authentication, so credential guessing
 * is throttled too) and per principal (per API key, or per JWT user). Redis-backed when a Redis client is
 * given (every API process shares the counters), in memory otherwise; if Redis fails, an in-memory
 * insurance limiter keeps limiting instead of failing requests. Over the limit: 429 `rate_limited` with
 * `Retry-After` in seconds. Development-mode requests are limited per IP only (they share one principal).
 */
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import rateLimiterFlexible from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfiguration } from '../../domain/auth-config.js';
import type { Principal } from '../../domain/auth.js';
import { ApiError, ErrorCode } from '../errors.js';
import { maybePrincipalOf } from './principal.js';

const { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } = rateLimiterFlexible;

export type RateLimitSettings = Pick<RateLimitConfiguration, 'windowSeconds' | 'perPrincipal' | 'perIp'>;

export interface RateLimiters {
  readonly backend: 'redis' | 'memory';
  /** Spends one point of `key` in the limiter `kind`; throws 429 `ApiError` when none is left. */
  consume(kind: 'ip' | 'principal', key: string): Promise<void>;
}

function limiterFor(name: string, points: number, settings: RateLimitSettings, redis: Redis | undefined, keyPrefix: string): RateLimiterAbstract {
  const options = { points, duration: settings.windowSeconds, keyPrefix: `${keyPrefix}:${name}` };
  if (redis === undefined) return new RateLimiterMemory(options);
  return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
}

/** Builds both limiters; `keyPrefix` separates deployments (and test runs) sharing one Redis. */
export function createRateLimiters(settings: RateLimitSettings, options: { redis?: Redis; keyPrefix?: string } = {}): RateLimiters {
  const prefix = options.keyPrefix ?? 'agentcraft:ratelimit';
  const limiters = {
    ip: limiterFor('ip', settings.perIp, settings, options.redis, prefix),
    principal: limiterFor('principal', settings.perPrincipal, settings, options.redis, prefix),
  };
  return {
    backend: options.redis === undefined ? 'memory' : 'redis',
    async consume(kind, key) {
      try {
        await limiters[kind].consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new ApiError(429, ErrorCode.rateLimited, `Too many requests; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
      }
    },
  };
}

/** The limiter key of a principal: its API key, or its user within its tenant. */
export function principalRateKey(principal: Principal): string | null {
  if (principal.method === 'development') return null;
  return principal.method === 'api-key' ? `key:${principal.subject}` : `user:${principal.tenantId}:${principal.subject}`;
}

export function ipRateLimit(limiters: RateLimiters): RequestHandler {
  return async (request, _response, next) => {
    await limiters.consume('ip', request.ip ?? request.socket.remoteAddress ?? 'unknown');
    next();
  };
}

export function principalRateLimit(limiters: RateLimiters): RequestHandler {
  return async (request, _response, next) => {
    const principal = maybePrincipalOf(request);
    const key = principal === undefined ? null : principalRateKey(principal);
    if (key !== null) await limiters.consume('principal', key);
    next();
  };
}
