/**
 * The routes an Express 5 app really serves, read from its router stack (nested routers mounted without a
 * path included), as `METHOD /openapi/{style}` keys. The document lists only operations that are mounted,
 * and a test checks that every mounted route is documented.
 */
import type { Application } from 'express';

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  name?: string;
}

/** `/a/:id/b/:turnId` → `/a/{id}/b/{turnId}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function collect(stack: readonly Layer[], into: Set<string>): void {
  for (const layer of stack) {
    if (layer.route !== undefined && typeof layer.route.path === 'string') {
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (enabled && method !== '_all') into.add(`${method.toUpperCase()} ${toOpenApiPath(layer.route.path)}`);
      }
    } else if (layer.handle?.stack !== undefined) {
      collect(layer.handle.stack, into);
    }
  }
}

/** Every `METHOD /path` the app routes (paths with `{param}` placeholders). */
export function mountedRoutes(app: Application): Set<string> {
  const routes = new Set<string>();
  const router = (app as unknown as { router?: { stack?: Layer[] } }).router;
  collect(router?.stack ?? [], routes);
  return routes;
}
