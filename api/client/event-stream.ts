/**
 * Follows one conversation's events over `/api/ws/agent-tracking` as an async iterator. It resumes after a
 * dropped connection from the last sequence number it yielded (`fromSeq`), so nothing is missed or repeated.
 */
import WebSocket from 'ws';
import type { ConversationEvent } from '../../domain/types.js';

export interface FollowOptions {
  /** Yield only events after this sequence number (0, the default: the whole log). */
  fromSeq?: number;
  /** Stops following (the iterator ends). */
  signal?: AbortSignal;
  /** Reconnect attempts in a row before giving up (default 5), with a growing pause between them. */
  maxReconnects?: number;
}

type Frame =
  | { type: 'snapshot'; lastSeq: number; logReset?: true }
  | { type: 'event'; event: ConversationEvent }
  | { type: 'error'; error: { code: string; message: string } }
  | { type: string };

/** Opens the socket and subscribes; pushes events and errors into the given callbacks until it closes. */
function connect(url: string, token: string | undefined, conversationId: string, fromSeq: number, onFrame: (frame: Frame) => void): Promise<WebSocket> {
  const socket = new WebSocket(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  socket.on('message', (data: Buffer) => onFrame(JSON.parse(data.toString()) as Frame));
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', conversationId, fromSeq }));
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The iterator behind `AgentCraftClient.followEvents`. */
export async function* followConversationEvents(baseUrl: string, token: string | undefined, conversationId: string, options: FollowOptions = {}): AsyncGenerator<ConversationEvent> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/ws/agent-tracking`;
  let lastSeq = options.fromSeq ?? 0;
  let failures = 0;
  while (options.signal?.aborted !== true) {
    const queue: ConversationEvent[] = [];
    let wake: (() => void) | null = null;
    let closed = false;
    const outcome: { failure: Error | null } = { failure: null };
    const notify = (): void => {
      wake?.();
      wake = null;
    };
    let socket: WebSocket;
    try {
      socket = await connect(url, token, conversationId, lastSeq, (frame) => {
        if (frame.type === 'event') queue.push((frame as { event: ConversationEvent }).event);
        if (frame.type === 'snapshot' && (frame as { logReset?: true }).logReset === true) lastSeq = 0;
        if (frame.type === 'error' && (frame as { error: { code: string } }).error.code === 'not_found') outcome.failure = new Error(`Conversation ${conversationId} not found`);
        notify();
      });
    } catch (error) {
      if (++failures > (options.maxReconnects ?? 5)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** failures));
      continue;
    }
    failures = 0;
    socket.once('close', () => {
      closed = true;
      notify();
    });
    const abort = (): void => socket.close();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      while (!closed || queue.length > 0) {
        const event = queue.shift();
        if (event === undefined) {
          if (outcome.failure !== null) throw outcome.failure;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        // A resumed subscription starts after lastSeq; the check guards against a duplicate all the same.
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
        yield event;
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      socket.close();
    }
  }
}
