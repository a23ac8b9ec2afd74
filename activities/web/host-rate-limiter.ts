/**
 * Per-host politeness: requests to one host start at most `ratePerSecond` times a second, evenly spaced
 * (p-throttle, strict, one call per `1000 / rate` ms); different hosts never wait for each other.
 * In-process: each worker keeps its own spacing.
 */
import { LRUCache } from 'lru-cache';
import pThrottle from 'p-throttle';

type Task = () => Promise<void>;
type Throttled = (task: Task) => Promise<void>;

export interface HostRateLimiterOptions {
  ratePerSecond: number;
  /** Called for a request that has to wait its turn (for metrics and tests). */
  onDelay?: (host: string) => void;
  /** Hosts whose spacing is remembered at once (least recently used are forgotten). */
  maxHosts?: number;
}

export class HostRateLimiter {
  private readonly throttles: LRUCache<string, Throttled>;

  constructor(private readonly options: HostRateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.throttles = new LRUCache({ max: options.maxHosts ?? 1000 });
  }

  /** Resolves when a request to `host` may start; rejects with the signal's reason when aborted first. */
  async acquire(host: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const throttled = this.throttleFor(host);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([throttled(() => Promise.resolve()), aborted]);
    } finally {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    }
  }

  private throttleFor(host: string): Throttled {
    const existing = this.throttles.get(host);
    if (existing !== undefined) return existing;
    const throttle = pThrottle({
      limit: 1,
      interval: Math.max(1, Math.round(1000 / this.options.ratePerSecond)),
      strict: true,
      onDelay: () => this.options.onDelay?.(host),
    });
    const throttled = throttle((task: Task) => task());
    this.throttles.set(host, throttled);
    return throttled;
  }
}
