/**
 * Client of `/api/ws/agent-tracking` for one conversation. Subscribes with the last `seq` it delivered,
 * reconnects with backoff after a drop (at once when the browser comes back online), and delivers each
 * event exactly once, in order: an event at or below the last delivered `seq` is dropped.
 *
 * Browsers do not tell a script why a WebSocket upgrade failed, so a socket that closes before opening
 * makes it ask `GET /api/auth/me`: a 401 there (after the widget's token refresh, if any) means the
 * credential was refused; the client then stops reconnecting and reports `unauthorized` (the same 401 opens
 * the app's sign-in dialog).
 */
import { credentialPending, ensureCredential, getCredential } from './credentials';
import { apiUrl, probeAuthorization, type AuthProbe } from './http';
import type { ConversationEvent, ConversationSnapshot, ServerFrame } from './types';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthorized' | 'closed';

export interface SnapshotInfo {
  state: ConversationSnapshot | null;
  lastSeq: number;
  /** The log restarted (in-process log after an API restart): what the client had may be stale. */
  logReset: boolean;
}

export interface TrackingHandlers {
  onEvent: (event: ConversationEvent) => void;
  onSnapshot?: (snapshot: SnapshotInfo) => void;
  onStatus?: (status: ConnectionStatus) => void;
  onError?: (message: string) => void;
}

export interface TrackingOptions {
  /** Resume after this seq (0: the whole log). */
  fromSeq?: number;
  url?: string;
  /** Delays between reconnection attempts; the last one repeats. */
  backoffMs?: number[];
  createSocket?: (url: string) => WebSocket;
  /** Asked after a socket closed before opening (default: `GET /api/auth/me`). */
  probeAuthorization?: () => Promise<AuthProbe>;
}

export const AGENT_TRACKING_PATH = '/api/ws/agent-tracking';

/**
 * `ws(s)://` URL of the tracking endpoint, on this origin or on the configured API base. Browsers cannot
 * set headers on a WebSocket, so the stored credential travels as `?access_token=`.
 */
export function trackingUrl(): string {
  const http = new URL(apiUrl(AGENT_TRACKING_PATH), window.location.href);
  http.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  const credential = getCredential();
  if (credential !== null) http.searchParams.set('access_token', credential);
  return http.toString();
}

export class TrackingSocket {
  private socket: WebSocket | null = null;
  private seq: number;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  /** Bumped whenever the current attempt is abandoned: a late token fetch or probe answer is then ignored. */
  private epoch = 0;
  private readonly backoffMs: number[];

  constructor(
    readonly conversationId: string,
    private readonly handlers: TrackingHandlers,
    private readonly options: TrackingOptions = {},
  ) {
    this.seq = options.fromSeq ?? 0;
    this.backoffMs = options.backoffMs ?? [250, 1000, 2000, 5000];
  }

  /** The last delivered seq: where a new subscription resumes. */
  get lastSeq(): number {
    return this.seq;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.clearRetry();
    this.dropSocket();
    this.handlers.onStatus?.('closed');
  }

  /** Passes one server frame through the exactly-once filter (public for tests of the protocol). */
  handleFrame(frame: ServerFrame): void {
    if (frame.type === 'snapshot') {
      if (frame.conversationId !== this.conversationId) return;
      const logReset = frame.logReset === true;
      if (logReset) this.seq = 0;
      this.attempts = 0;
      this.handlers.onStatus?.('live');
      this.handlers.onSnapshot?.({ state: frame.state, lastSeq: frame.lastSeq, logReset });
    } else if (frame.type === 'event') {
      if (frame.event.conversationId !== this.conversationId || frame.event.seq <= this.seq) return;
      this.seq = frame.event.seq;
      this.handlers.onEvent(frame.event);
    } else if (frame.type === 'error') {
      this.handlers.onError?.(frame.error.message);
    }
  }

  private connect(): void {
    this.clearRetry();
    this.dropSocket();
    this.handlers.onStatus?.(this.attempts === 0 ? 'connecting' : 'reconnecting');
    if (!credentialPending()) {
      this.open();
      return;
    }
    // The widget fetches its first token from the integrator's backend before connecting.
    const epoch = this.epoch;
    void ensureCredential().then(() => {
      if (!this.stopped && epoch === this.epoch) this.open();
    });
  }

  private open(): void {
    // Built per connection: a credential entered after a 401 applies to the next reconnection.
    const url = this.options.url ?? trackingUrl();
    const socket = this.options.createSocket?.(url) ?? new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      socket.send(JSON.stringify({ type: 'subscribe', conversationId: this.conversationId, fromSeq: this.seq }));
    };
    socket.onmessage = (message: MessageEvent) => {
      if (socket !== this.socket || typeof message.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(message.data) as ServerFrame;
      } catch {
        return;
      }
      this.handleFrame(frame);
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (opened) this.scheduleReconnect();
      else this.checkRefusal();
    };
  }

  /** Closed before opening: a refused credential or a network problem; the REST API tells which. */
  private checkRefusal(): void {
    if (this.stopped) return;
    const epoch = this.epoch;
    this.handlers.onStatus?.('reconnecting');
    void (this.options.probeAuthorization ?? probeAuthorization)().then((answer) => {
      if (this.stopped || epoch !== this.epoch) return;
      if (answer === 'refused') this.handlers.onStatus?.('unauthorized');
      else this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.handlers.onStatus?.('offline');
      return;
    }
    const delay = this.backoffMs[Math.min(this.attempts, this.backoffMs.length - 1)] ?? 1000;
    this.attempts += 1;
    this.handlers.onStatus?.('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private readonly onOnline = (): void => {
    if (this.stopped) return;
    this.attempts = Math.max(this.attempts, 1);
    this.connect();
  };

  /** The browser knows the network is gone before the socket does: drop it now, resume when online. */
  private readonly onOffline = (): void => {
    if (this.stopped) return;
    this.clearRetry();
    this.dropSocket();
    this.handlers.onStatus?.('offline');
  };

  private dropSocket(): void {
    this.epoch += 1;
    const socket = this.socket;
    this.socket = null;
    if (socket === null) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000, 'client closed');
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
