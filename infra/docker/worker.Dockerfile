# syntax=docker/dockerfile:1.7
# An AgentCraft worker: `node dist/workers/worker-main.js`, as user `node` (uid 1000). Scale by running more.
# The same image runs the search-attribute registration job: `node dist/temporal-config/register-main.js`.
# Build from the repository root: docker build -f infra/docker/worker.Dockerfile -t agentcraft/worker .
# The node image is pinned to the version CI runs (Node 20.20.2); bump both together.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- compile: tsc to dist/, the prebuilt workflow bundle, the demo knowledge
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY api ./api
COPY temporal-config ./temporal-config
COPY scripts ./scripts
RUN npm run build

# ---- production dependencies only (no install scripts: every native part ships prebuilt)
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: code owned by root, run as `node`; the root filesystem can be mounted read-only
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    AGENTCRAFT_WORKER_HTTP_PORT=9465 \
    AGENTCRAFT_SDK_METRICS_ADDRESS=0.0.0.0:9464
WORKDIR /app
COPY package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 1000:1000
# 9465: /healthz, /readyz, /metrics (app metrics); 9464: Temporal SDK (Core) metrics. See infra/monitoring/METRICS.md.
EXPOSE 9464 9465
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9465/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The Temporal runtime handles SIGTERM: the worker stops polling and drains (shutdownGraceTime) before exiting.
CMD ["node", "dist/workers/worker-main.js"]
