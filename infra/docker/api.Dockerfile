# syntax=docker/dockerfile:1.7
# The AgentCraft API (Express + ws): `node dist/api/server.js` on port 3000, as user `node` (uid 1000).
# Build from the repository root: docker build -f infra/docker/api.Dockerfile -t agentcraft/api .
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
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node handles SIGTERM itself (api/server.ts drains requests and WebSockets); run with `--init` / `init: true`.
CMD ["node", "dist/api/server.js"]
