/**
 * Moving average of each model's latency, used to prefer the faster of near-equal-cost models.
 * An exponentially weighted moving average (EWMA) reacts to a slowdown within a few calls and forgets old
 * samples without keeping a window; the smoothing factor is the weight of the newest sample.
 */

/** Default weight of the newest sample: about the last ten calls dominate the average. */
export const DEFAULT_LATENCY_SMOOTHING = 0.2;

/** Per-model EWMA of call latency in milliseconds, in process (each worker learns its own view). */
export class LatencyTracker {
  private readonly averages = new Map<string, number>();

  constructor(private readonly smoothing = DEFAULT_LATENCY_SMOOTHING) {
    if (!(smoothing > 0 && smoothing <= 1)) throw new RangeError(`latency smoothing must be in (0, 1], got ${smoothing}`);
  }

  /** Adds one successful call's latency (failed calls say nothing about speed and are not recorded). */
  observe(modelKey: string, latencyMs: number): void {
    const previous = this.averages.get(modelKey);
    this.averages.set(modelKey, previous === undefined ? latencyMs : previous + this.smoothing * (latencyMs - previous));
  }

  /** The model's average, or undefined before its first call. */
  average(modelKey: string): number | undefined {
    return this.averages.get(modelKey);
  }
}
