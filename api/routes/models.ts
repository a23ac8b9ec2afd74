/** `GET /api/models`: the model catalog with each model's health, breaker state and average latency. */
import express, { type Router } from 'express';
import { requireRole } from '../auth/principal.js';
import type { RouteDependencies } from './route-dependencies.js';

/** What the API needs from the model setup (the worker's router, or a describing copy in a separate API). */
export interface ModelDirectory {
  /** The catalog with health, or null when no router runs (the offline model answers everything). */
  describe(): Promise<unknown[] | null>;
}

const OFFLINE_ONLY = [
  {
    provider: 'offline',
    modelId: 'offline-extractive-v1',
    tier: 'fast',
    local: true,
    configured: true,
    health: 'healthy',
    inputPricePerMillionUsd: 0,
    outputPricePerMillionUsd: 0,
    note: 'No provider is configured: every answer is extractive, quoted from retrieved passages.',
  },
];

export function modelsRouter(dependencies: RouteDependencies & { models?: ModelDirectory }): Router {
  const router = express.Router();
  router.get('/api/models', requireRole(['admin', 'operator']), async (_request, response) => {
    const described = (await dependencies.models?.describe()) ?? null;
    response.json(described === null ? { router: false, models: OFFLINE_ONLY } : { router: true, models: described });
  });
  return router;
}
