/**
 * Test support: a real `node:http` server on 127.0.0.1 with one handler per path, which records every
 * request it gets and how each response ended (finished, or closed early by the client).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: IncomingMessage, response: ServerResponse, server: TestWebServer) => void | Promise<void>;

export interface ResponseEnd {
  path: string;
  /** False when the connection closed before the server finished writing. */
  finished: boolean;
  bytesWritten: number;
}

export interface TestWebServer {
  readonly origin: string;
  readonly port: number;
  /** Paths (with query) in arrival order. */
  readonly requests: string[];
  readonly userAgents: string[];
  readonly ends: ResponseEnd[];
  /** Requests for `path` so far. */
  count(path: string): number;
  close(): Promise<void>;
}

/** Starts a server; unknown paths answer 404 (so a missing robots.txt allows everything). */
export async function startTestWebServer(routes: Record<string, Route>): Promise<TestWebServer> {
  const requests: string[] = [];
  const userAgents: string[] = [];
  const ends: ResponseEnd[] = [];
  const holder: { state?: TestWebServer } = {};
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    userAgents.push(request.headers['user-agent'] ?? '');
    response.on('close', () => ends.push({ path, finished: response.writableFinished, bytesWritten: request.socket.bytesWritten }));
    const route = routes[path.split('?')[0] ?? path];
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(route(request, response, holder.state as TestWebServer)).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const state: TestWebServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    userAgents,
    ends,
    count: (path) => requests.filter((request) => request === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  holder.state = state;
  return state;
}

/** A route answering `body` with `contentType` (and optional extra headers). */
export function respond(contentType: string, body: string | Uint8Array, headers: Record<string, string> = {}): Route {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': contentType, ...headers }).end(body);
  };
}

/** A route redirecting to `location` (relative to the server, or absolute). */
export function redirect(location: string, status = 302): Route {
  return (_request, response) => {
    response.writeHead(status, { location }).end();
  };
}

/** Waits until `condition` holds (polling), failing after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
