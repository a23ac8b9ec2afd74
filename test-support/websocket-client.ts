/** A small WebSocket client of `/api/ws/agent-tracking` for tests: collects frames, waits for events. */
import WebSocket from 'ws';
import type { ConversationEvent } from '../domain/types.js';

export interface TrackingClient {
  events: ConversationEvent[];
  frames: { type: string; [key: string]: unknown }[];
  subscribe(conversationId: string, fromSeq?: number): void;
  waitFor(predicate: (event: ConversationEvent) => boolean, timeoutMs?: number): Promise<ConversationEvent>;
  close(): Promise<void>;
}

export async function connectTrackingClient(baseUrl: string): Promise<TrackingClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/ws/agent-tracking`);
  const events: ConversationEvent[] = [];
  const frames: TrackingClient['frames'] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as TrackingClient['frames'][number];
    frames.push(frame);
    if (frame.type === 'event') events.push(frame.event as ConversationEvent);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    events,
    frames,
    subscribe(conversationId, fromSeq) {
      socket.send(JSON.stringify({ type: 'subscribe', conversationId, ...(fromSeq === undefined ? {} : { fromSeq }) }));
    },
    waitFor(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; events so far: ${events.map((event) => `${event.seq}:${event.type}`).join(' ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    },
  };
}
