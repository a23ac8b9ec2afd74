/**
 * The agent-tracking protocol of one WebSocket: validates client frames, and for each subscribed
 * conversation sends a snapshot, then every event after the client's offset exactly once, in order.
 * Every subscribe is authorized for the connection's principal: a conversation of another tenant or
 * another customer, or another tenant's reviewer feed, gets the same `not_found` error frame as an id
 * that does not exist.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { EventLog, EventSubscription } from '../activities/events/event-log.js';
import type { Principal } from '../domain/auth.js';
import type { ConversationEvent } from '../domain/types.js';
import { canAccessConversation, canFollowReviewerFeed, conversationOwner, type OwnershipDependencies } from './auth/ownership.js';
import { getConversationSnapshot, type ConversationSnapshot } from './conversation-client.js';
import { formatIssues } from './errors.js';
import type { ApiMetrics } from './metrics.js';
import { clientFrameSchema } from './schemas.js';

/** Error codes of `error` frames (the connection stays open after each of them). */
export const WebSocketErrorCode = {
  invalidJson: 'invalid_json',
  invalidFrame: 'invalid_frame',
  tooManySubscriptions: 'too_many_subscriptions',
  snapshotUnavailable: 'snapshot_unavailable',
  subscribeFailed: 'subscribe_failed',
  /** No such conversation or feed — or one the principal may not see (the same answer, like REST's 404). */
  notFound: 'not_found',
  /** The connection's credential expired: the socket closes after this frame. */
  credentialsExpired: 'credentials_expired',
} as const;
export type WebSocketErrorCode = (typeof WebSocketErrorCode)[keyof typeof WebSocketErrorCode];

/** Frames the server sends. */
export type ServerFrame =
  | { type: 'snapshot'; conversationId: string; state: ConversationSnapshot | null; lastSeq: number; logReset?: true }
  | { type: 'event'; event: ConversationEvent }
  | { type: 'unsubscribed'; conversationId: string }
  | { type: 'error'; error: { code: WebSocketErrorCode; message: string }; conversationId?: string };

/** Close code for a client that cannot keep up ("try again later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** Close code after the connection's credential expired (policy violation): reconnect with a fresh one. */
export const CLOSE_POLICY_VIOLATION = 1008;

export interface ConnectionLimits {
  maxSubscriptions: number;
  maxBufferedBytes: number;
  snapshotTimeoutMs: number;
}

export interface ConnectionDependencies {
  temporal: Client;
  eventLog: EventLog;
  metrics: ApiMetrics;
  logger: Logger;
  limits: ConnectionLimits;
  principal: Principal;
  /** Epoch ms when the credential of the upgrade expires (null: never). */
  credentialExpiresAt: number | null;
  ownership: OwnershipDependencies;
}

interface SubscriptionEntry {
  active: boolean;
  subscription?: EventSubscription;
}

export class TrackingConnection {
  /** Cleared by each heartbeat, set again by the client's pong. */
  alive = true;
  private readonly subscriptions = new Map<string, SubscriptionEntry>();

  constructor(
    readonly socket: WebSocket,
    private readonly dependencies: ConnectionDependencies,
  ) {
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
    });
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return this.sendError(WebSocketErrorCode.invalidFrame, 'Binary frames are not supported; send JSON text');
    let json: unknown;
    try {
      json = JSON.parse(rawDataToString(data));
    } catch {
      return this.sendError(WebSocketErrorCode.invalidJson, 'Frame is not valid JSON');
    }
    const parsed = clientFrameSchema.safeParse(json);
    if (!parsed.success) return this.sendError(WebSocketErrorCode.invalidFrame, `Invalid frame: ${formatIssues(parsed.error.issues)}`);
    const frame = parsed.data;
    const expiresAt = this.dependencies.credentialExpiresAt;
    if (expiresAt !== null && expiresAt <= Date.now()) {
      this.sendError(WebSocketErrorCode.credentialsExpired, 'The credential of this connection has expired; reconnect with a fresh one');
      this.releaseAll();
      this.socket.close(CLOSE_POLICY_VIOLATION, 'Credentials expired');
      return;
    }
    if (frame.type === 'subscribe') {
      void this.subscribe(frame.conversationId, frame.fromSeq ?? 0);
    } else {
      this.release(frame.conversationId);
      this.send({ type: 'unsubscribed', conversationId: frame.conversationId });
    }
  }

  private async subscribe(conversationId: string, fromSeq: number): Promise<void> {
    // Subscribing again (a client resuming from a new offset) replaces the earlier subscription.
    this.release(conversationId);
    if (this.subscriptions.size >= this.dependencies.limits.maxSubscriptions) {
      return this.sendError(WebSocketErrorCode.tooManySubscriptions, `At most ${this.dependencies.limits.maxSubscriptions} subscriptions per connection`, conversationId);
    }
    const entry: SubscriptionEntry = { active: true };
    this.subscriptions.set(conversationId, entry);
    const { eventLog, logger } = this.dependencies;
    try {
      if (!(await this.authorized(conversationId))) {
        if (this.subscriptions.get(conversationId) === entry) this.release(conversationId);
        return this.sendError(WebSocketErrorCode.notFound, 'Conversation not found', conversationId);
      }
      if (!entry.active) return;
      const [state, lastSeq] = await Promise.all([this.snapshot(conversationId), eventLog.lastSeq(conversationId)]);
      if (!entry.active) return;
      // An offset beyond the log means the log restarted (the in-process log does on a restart):
      // replay it whole and say so, so the client drops what it had instead of missing events.
      const logReset = fromSeq > lastSeq;
      this.send({ type: 'snapshot', conversationId, state, lastSeq, ...(logReset ? { logReset: true } : {}) });
      const subscription = await eventLog.subscribe(conversationId, logReset ? 0 : fromSeq, (event) => {
        if (entry.active) this.sendEvent(event);
      });
      if (entry.active) entry.subscription = subscription;
      else await subscription.close();
    } catch (error) {
      logger.error({ err: error, conversationId }, 'subscribe failed');
      if (this.subscriptions.get(conversationId) === entry) this.release(conversationId);
      this.sendError(WebSocketErrorCode.subscribeFailed, 'Could not subscribe to the conversation', conversationId);
    }
  }

  /** Whether this connection's principal may follow the stream (a conversation, or a tenant's reviewer feed). */
  private async authorized(streamId: string): Promise<boolean> {
    const { principal, ownership } = this.dependencies;
    if (streamId.startsWith('reviewers:')) return canFollowReviewerFeed(principal, streamId);
    const owner = await conversationOwner(ownership, streamId);
    // Development mode only: a stream nobody owns yet (events without a workflow or row) stays followable.
    if (owner === null) return principal.method === 'development';
    return canAccessConversation(principal, owner);
  }

  /** The live state, or null when the workflow is unknown (or Temporal could not answer: said in an error frame). */
  private async snapshot(conversationId: string): Promise<ConversationSnapshot | null> {
    // The reviewers' feed has no workflow behind it: its state is the REST queue (`GET /api/escalations`).
    if (conversationId.startsWith('reviewers:')) return null;
    try {
      return await getConversationSnapshot(this.dependencies.temporal, conversationId, { timeoutMs: this.dependencies.limits.snapshotTimeoutMs });
    } catch (error) {
      this.dependencies.logger.warn({ err: error, conversationId }, 'snapshot query failed');
      this.sendError(WebSocketErrorCode.snapshotUnavailable, 'The live state is unavailable; events still follow', conversationId);
      return null;
    }
  }

  private sendEvent(event: ConversationEvent): void {
    if (this.send({ type: 'event', event })) this.dependencies.metrics.websocketEventsSent.inc();
  }

  private sendError(code: WebSocketErrorCode, message: string, conversationId?: string): void {
    this.send({ type: 'error', error: { code, message }, ...(conversationId === undefined ? {} : { conversationId }) });
  }

  /** Sends one frame; a client whose unsent backlog is too large is disconnected instead. */
  private send(frame: ServerFrame): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount > this.dependencies.limits.maxBufferedBytes) {
      this.dependencies.logger.warn({ bufferedAmount: this.socket.bufferedAmount }, 'closing a client that cannot keep up');
      this.releaseAll();
      this.socket.close(CLOSE_TRY_AGAIN_LATER, 'Client too slow');
      return false;
    }
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Stops delivery for one conversation at once; the log subscription closes in the background. */
  private release(conversationId: string): void {
    const entry = this.subscriptions.get(conversationId);
    if (entry === undefined) return;
    this.subscriptions.delete(conversationId);
    entry.active = false;
    entry.subscription?.close().catch((error: unknown) => this.dependencies.logger.warn({ err: error, conversationId }, 'closing a subscription failed'));
  }

  /** Called when the socket closes (or is dropped): no subscription outlives its socket. */
  releaseAll(): void {
    for (const conversationId of [...this.subscriptions.keys()]) this.release(conversationId);
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
