/** Settings shared by the app build, the widget build and the dev/preview servers. */
import type { ProxyOptions } from 'vite';

/** Where the dev and preview servers send `/api` (HTTP and the agent-tracking WebSocket). */
export const apiTarget = process.env.AGENTCRAFT_API_URL ?? 'http://localhost:3000';

export const apiProxy: Record<string, ProxyOptions> = {
  '/api': { target: apiTarget, changeOrigin: true, ws: true },
  '/healthz': { target: apiTarget, changeOrigin: true },
  '/readyz': { target: apiTarget, changeOrigin: true },
};
