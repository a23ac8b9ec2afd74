import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventFrame, FakeWebSocket } from '../test/fake-websocket';
import { setCredentialProvider } from './credentials';
import type { AuthProbe } from './http';
import type { ConversationEvent } from './types';
import { TrackingSocket, trackingUrl, type ConnectionStatus } from './tracking-socket';

function start(fromSeq = 0, probe?: () => Promise<AuthProbe>) {
  const events: ConversationEvent[] = [];
  const statuses: ConnectionStatus[] = [];
  const socket = new TrackingSocket(
    'c1',
    { onEvent: (event) => events.push(event), onStatus: (status) => statuses.push(status) },
    {
      fromSeq,
      url: 'ws://test/api/ws/agent-tracking',
      backoffMs: [100],
      createSocket: (url) => new FakeWebSocket(url) as unknown as WebSocket,
      ...(probe === undefined ? {} : { probeAuthorization: probe }),
    },
  );
  socket.start();
  return { socket, events, statuses };
}

describe('TrackingSocket', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('subscribes from the given offset and goes live on the snapshot', () => {
    const { statuses } = start(5);
    const first = FakeWebSocket.latest();
    first.open();
    expect(first.sent).toEqual([{ type: 'subscribe', conversationId: 'c1', fromSeq: 5 }]);
    first.push({ type: 'snapshot', conversationId: 'c1', state: null, lastSeq: 5 });
    expect(statuses.at(-1)).toBe('live');
  });

  it('after a drop, resubscribes from the last delivered seq and delivers nothing twice', () => {
    const { socket, events, statuses } = start();
    const first = FakeWebSocket.latest();
    first.open();
    first.push(eventFrame(1, 'turn-started'));
    first.push(eventFrame(2, 'token-delta', { text: 'a' }));
    first.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    const second = FakeWebSocket.latest();
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent).toEqual([{ type: 'subscribe', conversationId: 'c1', fromSeq: 2 }]);
    // A server that resends an event the client already has (at-least-once) is filtered.
    second.push(eventFrame(2, 'token-delta', { text: 'a' }));
    second.push(eventFrame(3, 'token-delta', { text: 'b' }));
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(socket.lastSeq).toBe(3);
    socket.stop();
  });

  it('ignores frames from a socket it already replaced', () => {
    const { events } = start();
    const first = FakeWebSocket.latest();
    first.open();
    const staleHandler = first.onmessage;
    first.drop();
    vi.advanceTimersByTime(100);
    staleHandler?.({ data: JSON.stringify(eventFrame(1, 'turn-started')) });
    expect(events).toEqual([]);
  });

  it('starts over from seq 0 when the snapshot says the log restarted', () => {
    const { socket, events } = start(40);
    const first = FakeWebSocket.latest();
    first.open();
    first.push({ type: 'snapshot', conversationId: 'c1', state: null, lastSeq: 2, logReset: true });
    first.push(eventFrame(1, 'turn-started'));
    expect(events.map((event) => event.seq)).toEqual([1]);
    expect(socket.lastSeq).toBe(1);
  });

  it('drops the socket when the browser goes offline and reconnects as soon as it is back', () => {
    const { statuses } = start();
    const first = FakeWebSocket.latest();
    first.open();
    first.push(eventFrame(1, 'turn-started'));
    window.dispatchEvent(new Event('offline'));
    expect(first.readyState).toBe(FakeWebSocket.CLOSED);
    expect(statuses.at(-1)).toBe('offline');
    window.dispatchEvent(new Event('online'));
    const second = FakeWebSocket.latest();
    second.open();
    expect(second.sent).toEqual([{ type: 'subscribe', conversationId: 'c1', fromSeq: 1 }]);
  });

  it('after a socket closed before opening, stops reconnecting when GET /api/auth/me refuses the credential', async () => {
    const probe = vi.fn(() => Promise.resolve<AuthProbe>('refused'));
    const { statuses } = start(0, probe);
    FakeWebSocket.latest().drop();
    await vi.waitFor(() => expect(statuses.at(-1)).toBe('unauthorized'));
    expect(probe).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('after a socket closed before opening, reconnects when the credential is still accepted (a network problem)', async () => {
    const probe = vi.fn(() => Promise.resolve<AuthProbe>('unknown'));
    const { statuses } = start(0, probe);
    FakeWebSocket.latest().drop();
    await vi.waitFor(() => expect(probe).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(statuses.at(-1)).toBe('reconnecting'));
    vi.advanceTimersByTime(100);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(statuses).not.toContain('unauthorized');
  });

  it('does not probe after a drop of a socket that had opened', () => {
    const probe = vi.fn(() => Promise.resolve<AuthProbe>('refused'));
    start(0, probe);
    FakeWebSocket.latest().open();
    FakeWebSocket.latest().drop();
    vi.advanceTimersByTime(100);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(probe).not.toHaveBeenCalled();
  });
});

describe('TrackingSocket with a token provider (the widget)', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    setCredentialProvider(null);
    vi.unstubAllGlobals();
  });

  it('fetches the first token before connecting and sends it as ?access_token=', async () => {
    let release: (token: string) => void = () => undefined;
    let token: string | null = null;
    setCredentialProvider({
      current: () => token,
      refresh: () =>
        new Promise((resolve) => {
          release = (value) => {
            token = value;
            resolve(value);
          };
        }),
    });
    const socket = new TrackingSocket('c1', { onEvent: () => undefined }, { createSocket: (url) => new FakeWebSocket(url) as unknown as WebSocket });
    socket.start();
    expect(FakeWebSocket.instances).toHaveLength(0);
    release('jwt-1');
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(new URL(FakeWebSocket.latest().url).searchParams.get('access_token')).toBe('jwt-1');
    expect(new URL(trackingUrl()).searchParams.get('access_token')).toBe('jwt-1');
    socket.stop();
  });

  it('opens nothing when stopped while the token is still being fetched', async () => {
    let resolveToken: (token: string) => void = () => undefined;
    setCredentialProvider({ current: () => null, refresh: () => new Promise((resolve) => (resolveToken = resolve)) });
    const socket = new TrackingSocket('c1', { onEvent: () => undefined }, { createSocket: (url) => new FakeWebSocket(url) as unknown as WebSocket });
    socket.start();
    socket.stop();
    resolveToken('jwt-late');
    await Promise.resolve();
    await Promise.resolve();
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});
