/**
 * A loopback HTTP server (127.0.0.1, random port) that answers each route from a queue of scripted replies
 * and records every request, so tests can assert what an SDK sent and how often. A request with no scripted
 * reply gets a 599 and is listed in `unexpected`, so a test that did not plan for it fails loudly.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server received it; `body` is parsed JSON when it parses, the raw text otherwise. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** How a stream ends: its last chunk then a clean end, silence with the socket open, or a dropped socket. */
export type StreamEnding = 'end' | 'stall' | 'drop';

export type ScriptedReply =
  | { type: 'body'; status?: number; headers?: Record<string, string>; contentType?: string; body: string }
  | { type: 'stream'; status?: number; contentType: string; chunks: string[]; ending: StreamEnding; chunkDelayMs?: number }
  /** Never answers (timeouts, aborts). */
  | { type: 'hang' };

/** A reply, or a function of the request that builds one (to echo what the client asked for). */
export type ReplyScript = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

/** Scripted JSON reply with the given status. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): ScriptedReply {
  return { type: 'body', status, headers, contentType: 'application/json', body: JSON.stringify(body) };
}

export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests that found no scripted reply. */
  readonly unexpected: RecordedRequest[] = [];
  private readonly queues = new Map<string, ReplyScript[]>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  /** Starts a server on a random loopback port. */
  static async start(): Promise<ScriptedServer> {
    const server = createServer();
    const scripted = new ScriptedServer(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => scripted.handle({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body: parseBody(chunks) }, response));
    });
    server.on('connection', (socket) => {
      scripted.sockets.add(socket);
      socket.on('close', () => scripted.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return scripted;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues replies for `route`, written `METHOD /path` (query strings are ignored when matching). */
  enqueue(route: string, ...replies: ReplyScript[]): void {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...replies]);
  }

  /** Recorded requests to one path. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.split('?')[0] === path);
  }

  /** Replies still queued (a test that scripted more than the client asked for left some). */
  pendingReplies(): number {
    return [...this.queues.values()].reduce((sum, queue) => sum + queue.length, 0);
  }

  /** Forgets requests and queued replies between tests. */
  reset(): void {
    this.requests.length = 0;
    this.unexpected.length = 0;
    this.queues.clear();
  }

  /** Stops listening and destroys open (stalled or hanging) connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drops every open connection (a stalled stream stays open until then). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private handle(request: RecordedRequest, response: ServerResponse): void {
    this.requests.push(request);
    const script = this.queues.get(`${request.method} ${request.path.split('?')[0]}`)?.shift();
    if (script === undefined) {
      this.unexpected.push(request);
      response.writeHead(599, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `fake server: no scripted reply for ${request.method} ${request.path}` }));
      return;
    }
    const reply = typeof script === 'function' ? script(request) : script;
    if (reply.type === 'hang') return;
    if (reply.type === 'body') {
      response.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', ...reply.headers }).end(reply.body);
      return;
    }
    void writeStream(response, reply);
  }
}

async function writeStream(response: ServerResponse, reply: Extract<ScriptedReply, { type: 'stream' }>): Promise<void> {
  response.writeHead(reply.status ?? 200, { 'content-type': reply.contentType, 'cache-control': 'no-cache' });
  // Real servers send the headers at once; Node would hold them until the first chunk.
  response.flushHeaders();
  for (const chunk of reply.chunks) {
    if (response.destroyed) return;
    response.write(chunk);
    if (reply.chunkDelayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.chunkDelayMs));
  }
  if (reply.ending === 'end') response.end();
  // Let the written chunks reach the client before the socket goes away.
  else if (reply.ending === 'drop') setTimeout(() => response.destroy(), 20);
}

function parseBody(chunks: Buffer[]): unknown {
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
