/**
 * The circuit breaker port (one breaker per provider) and its in-process implementation.
 *
 * closed ──N consecutive failures──▶ open ──cooldown──▶ half-open (one probe) ──success──▶ closed
 *                                     ▲                                │
 *                                     └──────────── failure ───────────┘
 *
 * A 429's retry-after also lives here as a `pause` of one model (vendors rate-limit per model), so every caller
 * (and, with Redis, every worker) leaves a throttled model alone for as long as it asked.
 *
 * Hand-written rather than from a library: opossum and cockatiel keep breaker state in process memory and
 * wrap the call itself; AgentCraft's workers must share one state through Redis and the router needs the
 * decision (and its reason) before it picks a model, so the state machine is small and explicit here and
 * mirrored in the Redis Lua script (`redis-circuit-breaker.ts`); one conformance suite runs against both.
 */

/** Breaker states. */
export const BreakerState = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

/** Thresholds of the breaker. */
export interface BreakerSettings {
  /** Consecutive provider failures that open the breaker (default 3). */
  failureThreshold: number;
  /** Time an open breaker waits before letting one probe through (default 30 s). */
  cooldownMs: number;
  /** How long a half-open probe holds its slot; after that another caller may probe (default 60 s). */
  probeTimeoutMs: number;
}

/** Defaults of {@link BreakerSettings}. */
export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failureThreshold: 3, cooldownMs: 30_000, probeTimeoutMs: 60_000 };

/** Whether a call to a provider may go ahead, and why not. */
export type BreakerDecision =
  | { allowed: true; state: BreakerState; probe: boolean }
  | { allowed: false; state: BreakerState; reason: string; retryInMs: number };

/** A provider's breaker as shown by `GET /api/models`. */
export interface BreakerSnapshot {
  provider: string;
  state: BreakerState;
  consecutiveFailures: number;
  /** Epoch ms when the breaker last opened. */
  openedAt: number | null;
  /** Per model id: epoch ms until which the provider asked not to call it (429 retry-after); may hold past pauses. */
  pausedUntil: Record<string, number>;
}

/** One breaker per provider name; implementations share state as widely as they can (process or Redis). */
export interface CircuitBreaker {
  /** Asks to call one of the provider's models now; an allowed half-open decision is the single probe. */
  acquire(provider: string, modelId: string): Promise<BreakerDecision>;
  /** The provider answered (even with an error that was the request's fault). */
  recordSuccess(provider: string): Promise<void>;
  /** The provider failed; `trip` opens the breaker at once (wrong key, rejected protocol). */
  recordFailure(provider: string, options?: { trip?: boolean }): Promise<void>;
  /** Leaves the provider's model alone until `untilEpochMs` (a 429's retry-after); never shortens a pause. */
  pause(provider: string, modelId: string, untilEpochMs: number): Promise<void>;
  snapshot(provider: string): Promise<BreakerSnapshot>;
}

/** Current time in epoch milliseconds; injectable so tests can move time. */
export type Clock = () => number;

interface ProviderCircuit {
  state: BreakerState;
  failures: number;
  openedAt: number | null;
  probeStartedAt: number | null;
  pausedUntil: Record<string, number>;
}

function closedCircuit(): ProviderCircuit {
  return { state: BreakerState.closed, failures: 0, openedAt: null, probeStartedAt: null, pausedUntil: {} };
}

/** Breaker state in this process only: the embedded mode, and tests. */
export class InMemoryCircuitBreaker implements CircuitBreaker {
  private readonly circuits = new Map<string, ProviderCircuit>();
  private readonly settings: BreakerSettings;
  private readonly clock: Clock;

  constructor(options: { settings?: Partial<BreakerSettings>; clock?: Clock } = {}) {
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...options.settings };
    this.clock = options.clock ?? Date.now;
  }

  acquire(provider: string, modelId: string): Promise<BreakerDecision> {
    const circuit = this.circuit(provider);
    const now = this.clock();
    const pausedUntil = circuit.pausedUntil[modelId];
    if (pausedUntil !== undefined && now < pausedUntil) {
      const retryInMs = pausedUntil - now;
      return Promise.resolve({ allowed: false, state: circuit.state, reason: `rate limited, retry after ${retryInMs} ms`, retryInMs });
    }
    if (circuit.state === BreakerState.open && circuit.openedAt !== null) {
      const retryInMs = circuit.openedAt + this.settings.cooldownMs - now;
      if (retryInMs > 0) return Promise.resolve({ allowed: false, state: circuit.state, reason: 'breaker open', retryInMs });
      circuit.state = BreakerState.halfOpen;
      circuit.probeStartedAt = null;
    }
    if (circuit.state === BreakerState.halfOpen) {
      if (circuit.probeStartedAt !== null && now < circuit.probeStartedAt + this.settings.probeTimeoutMs) {
        const retryInMs = circuit.probeStartedAt + this.settings.probeTimeoutMs - now;
        return Promise.resolve({ allowed: false, state: circuit.state, reason: 'breaker half-open, probe in flight', retryInMs });
      }
      circuit.probeStartedAt = now;
      return Promise.resolve({ allowed: true, state: circuit.state, probe: true });
    }
    return Promise.resolve({ allowed: true, state: circuit.state, probe: false });
  }

  recordSuccess(provider: string): Promise<void> {
    const pausedUntil = this.circuit(provider).pausedUntil;
    this.circuits.set(provider, { ...closedCircuit(), pausedUntil });
    return Promise.resolve();
  }

  recordFailure(provider: string, options: { trip?: boolean } = {}): Promise<void> {
    const circuit = this.circuit(provider);
    circuit.failures += 1;
    const opens = circuit.state === BreakerState.halfOpen || options.trip === true || circuit.failures >= this.settings.failureThreshold;
    if (opens && circuit.state !== BreakerState.open) {
      circuit.state = BreakerState.open;
      circuit.openedAt = this.clock();
      circuit.probeStartedAt = null;
    }
    return Promise.resolve();
  }

  pause(provider: string, modelId: string, untilEpochMs: number): Promise<void> {
    const circuit = this.circuit(provider);
    circuit.pausedUntil[modelId] = Math.max(circuit.pausedUntil[modelId] ?? 0, untilEpochMs);
    return Promise.resolve();
  }

  snapshot(provider: string): Promise<BreakerSnapshot> {
    const { state, failures, openedAt, pausedUntil } = this.circuit(provider);
    return Promise.resolve({ provider, state, consecutiveFailures: failures, openedAt, pausedUntil: { ...pausedUntil } });
  }

  private circuit(provider: string): ProviderCircuit {
    let circuit = this.circuits.get(provider);
    if (circuit === undefined) {
      circuit = closedCircuit();
      this.circuits.set(provider, circuit);
    }
    return circuit;
  }
}
