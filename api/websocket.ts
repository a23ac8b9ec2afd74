/**
 * The agent-tracking WebSocket server (`/api/ws/agent-tracking`): upgrades on that path only, keeps
 * connections honest with ping/pong heartbeats, and shuts down with close code 1001.
 * The upgrade is authenticated (`Authorization: Bearer`, or `?access_token=` since browsers cannot set
 * headers on a WebSocket): invalid credentials, or none outside development mode, get 401 before any
 * frame is exchanged. Each subscription is then authorized in `websocket-connection.ts`.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventLog } from '../activities/events/event-log.js';
import { authenticateOrThrow, upgradeTokenOf } from './auth/authentication-middleware.js';
import type { Authenticated, Authenticator } from './auth/authenticator.js';
import type { OwnershipDependencies } from './auth/ownership.js';
import { ApiError } from './errors.js';
import type { ApiMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-context.js';
import { TrackingConnection, type ConnectionLimits } from './websocket-connection.js';

export const AGENT_TRACKING_PATH = '/api/ws/agent-tracking';
const CLOSE_GOING_AWAY = 1001;

export interface AgentTrackingOptions extends Partial<ConnectionLimits> {
  /** How often to ping; a socket that has not answered the previous ping by then is dropped. */
  heartbeatIntervalMs?: number;
  /** Largest client frame accepted, in bytes. */
  maxFrameBytes?: number;
}

export interface AgentTrackingDependencies {
  temporal: Client;
  eventLog: EventLog;
  metrics: ApiMetrics;
  logger: Logger;
  authenticator: Authenticator;
  /** Where subscriptions look up who owns a conversation. */
  ownership: OwnershipDependencies;
  options?: AgentTrackingOptions;
}

export interface AgentTrackingServer {
  webSocketServer: WebSocketServer;
  /** Routes the server's `upgrade` requests for the agent-tracking path to this WebSocket server. */
  attach(server: http.Server): WebSocketServer;
  /** Closes every socket with 1001 and releases their subscriptions. */
  close(): Promise<void>;
}

export function createAgentTrackingServer(dependencies: AgentTrackingDependencies): AgentTrackingServer {
  const options = dependencies.options ?? {};
  const limits: ConnectionLimits = {
    maxSubscriptions: options.maxSubscriptions ?? 20,
    maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
    snapshotTimeoutMs: options.snapshotTimeoutMs ?? 10_000,
  };
  const logger = dependencies.logger.child({ component: 'agent-tracking' });
  const webSocketServer = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 16 * 1024 });
  const connections = new Map<WebSocket, TrackingConnection>();
  let closing = false;

  webSocketServer.on('connection', (socket: WebSocket, request: http.IncomingMessage, authenticated: Authenticated) => {
    const connectionLogger = logger.child({ connectionId: randomUUID(), requestId: resolveRequestId(request.headers[REQUEST_ID_HEADER]), subject: authenticated.principal.subject });
    const connection = new TrackingConnection(socket, { ...dependencies, logger: connectionLogger, limits, principal: authenticated.principal, credentialExpiresAt: authenticated.expiresAt });
    connections.set(socket, connection);
    dependencies.metrics.websocketConnections.inc();
    connectionLogger.debug('websocket connected');
    socket.on('error', (error) => connectionLogger.warn({ err: error }, 'websocket error'));
    socket.once('close', (code) => {
      connections.delete(socket);
      connection.releaseAll();
      dependencies.metrics.websocketConnections.dec();
      connectionLogger.debug({ code }, 'websocket closed');
    });
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.heartbeatIntervalMs ?? 30_000);
  heartbeat.unref();

  const onUpgrade = (server: http.Server) => (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== AGENT_TRACKING_PATH) {
      // Leave other paths to other upgrade listeners, if any; otherwise refuse.
      if (server.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (closing) return rejectUpgrade(socket, 503, 'Service Unavailable');
    socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'));
    authenticateOrThrow(dependencies.authenticator, upgradeTokenOf(request))
      .then((authenticated) => {
        if (authenticated === null) return rejectUpgrade(socket, 401, 'Unauthorized');
        webSocketServer.handleUpgrade(request, socket, head, (webSocket) => webSocketServer.emit('connection', webSocket, request, authenticated));
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) return rejectUpgrade(socket, 401, 'Unauthorized');
        logger.error({ err: error }, 'websocket authentication failed');
        rejectUpgrade(socket, 503, 'Service Unavailable');
      });
  };

  return {
    webSocketServer,
    attach(server) {
      server.on('upgrade', onUpgrade(server));
      return webSocketServer;
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      const closed = [...connections.keys()].map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            socket.close(CLOSE_GOING_AWAY, 'Server shutting down');
            // A peer that never answers the close handshake is cut off.
            setTimeout(() => {
              socket.terminate();
              resolve();
            }, 2_000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => webSocketServer.close(() => resolve()));
    },
  };
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy());
  const challenge = status === 401 ? 'WWW-Authenticate: Bearer realm="agentcraft"\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${challenge}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}
