/** What `GET /api/models` shows: the catalog, whether each model is configured, its provider's health and speed. */
import type { BreakerSnapshot } from './circuit-breaker.js';
import { BreakerState } from './circuit-breaker.js';
import type { CatalogEntry } from './model-catalog.js';
import type { RoutedChatModel } from './routed-chat-model.js';

/** Health of a model as shown to operators. */
export const ModelHealth = {
  healthy: 'healthy',
  /** Breaker open: calls skip this provider until the cooldown ends. */
  unhealthy: 'unhealthy',
  /** Breaker half-open: one probe call decides. */
  probing: 'probing',
  /** The provider asked us to leave this model alone for a while (429 retry-after). */
  rateLimited: 'rate-limited',
  /** No key or URL for this provider: never a candidate. */
  notConfigured: 'not-configured',
} as const;
export type ModelHealth = (typeof ModelHealth)[keyof typeof ModelHealth];

/** One catalog entry with its live state. */
export interface ModelDescription extends CatalogEntry {
  configured: boolean;
  health: ModelHealth;
  breaker: BreakerSnapshot | null;
  /** Moving average of successful calls in this process, or null before the first. */
  latencyAverageMs: number | null;
}

/** Describes every catalog entry; reads each configured provider's breaker once. */
export async function describeModels(router: RoutedChatModel, now: number = Date.now()): Promise<ModelDescription[]> {
  const configured = new Set(router.models.map((routed) => routed.entry.id));
  const providers = [...new Set(router.models.map((routed) => routed.entry.provider))];
  const snapshots = new Map(await Promise.all(providers.map(async (provider) => [provider, await router.breaker.snapshot(provider)] as const)));
  return router.catalog.models.map((entry) => {
    const breaker = configured.has(entry.id) ? (snapshots.get(entry.provider) ?? null) : null;
    return {
      ...entry,
      configured: configured.has(entry.id),
      health: healthOf(breaker, entry.modelId, configured.has(entry.id), now),
      breaker,
      latencyAverageMs: router.latency.average(entry.id) ?? null,
    };
  });
}

function healthOf(breaker: BreakerSnapshot | null, modelId: string, configured: boolean, now: number): ModelHealth {
  if (!configured || breaker === null) return ModelHealth.notConfigured;
  if (breaker.state === BreakerState.open) return ModelHealth.unhealthy;
  if (breaker.state === BreakerState.halfOpen) return ModelHealth.probing;
  if ((breaker.pausedUntil[modelId] ?? 0) > now) return ModelHealth.rateLimited;
  return ModelHealth.healthy;
}
