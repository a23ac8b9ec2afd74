/**
 * Per-tenant routers built from the tenant's current stored model (`routing_models`). The current version is
 * checked at most once per `refreshAfterMs` per tenant (one tiny query); the multi-megabyte model is loaded only
 * when that version changed. A tenant without a stored model, or a database error, gets `null`: the caller
 * falls back to the default (file-cached) model.
 */
import type { Logger } from '../../domain/logger.js';
import type { Store } from '../persistence/store.js';
import { loadRouter, type RoutingClassifier } from './classifier.js';
import type { Router } from './router.js';

/** How long a tenant's current-model check is trusted before it is repeated. */
export const STORED_MODEL_REFRESH_MS = 60_000;

export interface TenantRoutersOptions {
  store: Pick<Store, 'currentRoutingModelVersion' | 'loadCurrentRoutingModel'>;
  logger: Logger;
  build: (classifier: RoutingClassifier) => Router;
  refreshAfterMs?: number;
  now?: () => number;
}

interface Loaded {
  version: string | null;
  router: Router | null;
  checkedAt: number;
}

/** Returns `routerFor(tenantId)`: the router of the tenant's current stored model, or `null` when it has none. */
export function createTenantRouters(options: TenantRoutersOptions): (tenantId: string) => Promise<Router | null> {
  const refreshAfterMs = options.refreshAfterMs ?? STORED_MODEL_REFRESH_MS;
  const now = options.now ?? Date.now;
  const loaded = new Map<string, Loaded>();
  const refreshing = new Map<string, Promise<Loaded>>();

  async function refresh(tenantId: string, previous: Loaded | undefined): Promise<Loaded> {
    let next: Loaded;
    try {
      const version = await options.store.currentRoutingModelVersion(tenantId);
      if (version === null) next = { version: null, router: null, checkedAt: now() };
      else if (version === previous?.version) next = { ...previous, checkedAt: now() };
      else {
        const stored = await options.store.loadCurrentRoutingModel(tenantId);
        const router = stored === null ? null : options.build(loadRouter(stored.model));
        next = { version: stored?.version ?? null, router, checkedAt: now() };
        options.logger.info({ tenantId, version: next.version, previous: previous?.version ?? null }, 'routing model loaded from the database');
      }
    } catch (error) {
      options.logger.warn({ err: error, tenantId }, 'stored routing model unavailable; keeping the previous model');
      next = { version: previous?.version ?? null, router: previous?.router ?? null, checkedAt: now() };
    }
    loaded.set(tenantId, next);
    return next;
  }

  return async (tenantId) => {
    const current = loaded.get(tenantId);
    if (current !== undefined && now() - current.checkedAt < refreshAfterMs) return current.router;
    let pending = refreshing.get(tenantId);
    if (pending === undefined) {
      pending = refresh(tenantId, current).finally(() => refreshing.delete(tenantId));
      refreshing.set(tenantId, pending);
    }
    return (await pending).router;
  };
}
