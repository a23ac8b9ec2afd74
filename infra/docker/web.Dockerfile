# syntax=docker/dockerfile:1.7
# The web app: the Vite build of web/ served by unprivileged nginx (uid 101, port 8080), which also proxies
# /api (REST and the WebSocket) to the API. Build from the repository root:
#   docker build -f infra/docker/web.Dockerfile -t agentcraft/web .
# web/ is its own npm package (web/package.json, web/package-lock.json); `npm run build` writes web/dist
# (the app and the embeddable widget).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28.0-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app/web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

FROM ${NGINX_IMAGE} AS runtime
# Root only to drop the image's default site; the final USER is nginx (101).
# hadolint ignore=DL3066
USER root
RUN rm -f /etc/nginx/conf.d/default.conf
COPY infra/nginx/nginx.conf /etc/nginx/nginx.conf
COPY --from=build /app/web/dist /usr/share/nginx/html
USER 101
ENV NGINX_ENTRYPOINT_QUIET_LOGS=1
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/nginx-health"]
