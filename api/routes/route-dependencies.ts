import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { EventLog } from '../../activities/events/event-log.js';
import type { Store } from '../../activities/persistence/store.js';
import type { KnowledgeServices } from '../../activities/knowledge/knowledge-services.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { ApiMetrics } from '../metrics.js';

/** Limits and names the routes need, with every default already applied by `createApp`. */
export interface ResolvedApiConfiguration {
  temporal: { taskQueue: string; namespace: string };
  waitTimeoutMs: number;
  bodyLimitBytes: number;
  temporalRpcTimeoutMs: number;
  readinessTimeoutMs: number;
}

/** A named readiness probe: resolves when the dependency is reachable. */
export type ReadinessCheck = () => Promise<unknown>;

/** What every router receives from `createApp`. */
export interface RouteDependencies {
  temporal: Client;
  store: Store;
  eventLog: EventLog;
  configuration: ResolvedApiConfiguration;
  metrics: ApiMetrics;
  readiness: Record<string, ReadinessCheck>;
  /** Aborted when the app closes: long waits end at once. */
  shutdownSignal: AbortSignal;
  /** Registries served on `/metrics` beside the API's own. */
  extraMetrics?: Registry[];
  /** Vector store and embeddings for knowledge search and deletes; absent: lexical search only. */
  knowledge?: KnowledgeServices;
  /** Credentials → principals (routes read the principal with `principalOf(request)`). */
  authenticator: Authenticator;
  /**
   * The cap on turns running or queued per conversation: messages past it get 429 `too_many_pending_turns`. The
   * conversation workflow checks it in its update validator, so it holds across API processes.
   */
  maxPendingTurns: number;
}
