/** `GET /api/analytics/...`: daily volume, outcomes, latency and cost; escalations; per-agent performance. */
import express, { type Router } from 'express';
import { z } from 'zod';
import { Scope } from '../auth/api-key-service.js';
import { principalOf, requireRole } from '../auth/principal.js';
import { parseOrThrow } from '../errors.js';
import type { RouteDependencies } from './route-dependencies.js';

/** Query of every analytics report. */
export const windowSchema = z.looseObject({
  days: z.coerce.number().min(0.001).max(3650).default(30).meta({ description: 'Look-back window in days (default 30)' }),
});

function sinceOf(days: number): string {
  return new Date(Date.now() - days * 24 * 60 * 60 * 1000).toISOString();
}

export function analyticsRouter(dependencies: RouteDependencies): Router {
  const { store } = dependencies;
  const router = express.Router();
  router.use('/api/analytics', requireRole(['admin', 'operator'], Scope.analytics));

  router.get('/api/analytics/escalations', async (request, response) => {
    const { days } = parseOrThrow(windowSchema, request.query, 'query string');
    const since = sinceOf(days);
    response.json({ since, ...(await store.escalationStats({ since, tenantId: principalOf(request).tenantId })) });
  });

  router.get('/api/analytics/overview', async (request, response) => {
    const { days } = parseOrThrow(windowSchema, request.query, 'query string');
    const since = sinceOf(days);
    response.json({ since, series: await store.dailyOverview({ since, tenantId: principalOf(request).tenantId }) });
  });

  router.get('/api/analytics/agents', async (request, response) => {
    const { days } = parseOrThrow(windowSchema, request.query, 'query string');
    const since = sinceOf(days);
    response.json({ since, agents: await store.agentMetrics({ since, tenantId: principalOf(request).tenantId }) });
  });

  return router;
}
