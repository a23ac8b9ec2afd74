/** A WebSocket stand-in for component tests: records what the client sends, lets the test push frames. */
import type { ServerFrame } from '../api/types';

export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = FakeWebSocket.CONNECTING;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.readyState = FakeWebSocket.CLOSED;
  }

  /** The server accepts the connection. */
  open(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.();
  }

  push(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The network drops the connection. */
  drop(): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.();
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (socket === undefined) throw new Error('no socket was opened');
    return socket;
  }
}

/** Builds an event frame of conversation `c1`. */
export function eventFrame(seq: number, type: string, payload: Record<string, unknown> = {}, turnId = 'c1.1'): ServerFrame {
  return { type: 'event', event: { seq, conversationId: 'c1', type: type as never, turnId, at: new Date(1_700_000_000_000 + seq * 10).toISOString(), payload } };
}
