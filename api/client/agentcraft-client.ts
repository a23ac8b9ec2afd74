/**
 * A typed client of the AgentCraft REST API for integrators' backends: start a conversation, send
 * messages, wait for a turn, follow events over the WebSocket (resuming with `fromSeq`), work the reviewer
 * queue, and manage webhooks. Request types come from the API's own zod schemas; errors carry the API's
 * stable `code` and `requestId`.
 */
import type { z } from 'zod';
import type { ConversationEvent, TurnResult } from '../../domain/types.js';
import type { CreateWebhook, WebhookDeliveryView, WebhookEndpointView } from '../../domain/webhooks.js';
import type { decisionBodySchema, escalationQuerySchema } from '../routes/escalations.js';
import type { chatBodySchema } from '../schemas.js';
import { followConversationEvents, type FollowOptions } from './event-stream.js';

export type ChatInput = z.input<typeof chatBodySchema>;
export type DecisionInput = z.input<typeof decisionBodySchema>;
export type EscalationQuery = Partial<Record<keyof z.input<typeof escalationQuerySchema>, string | number>>;

/** `POST /api/chat` → 202. */
export interface AcceptedTurn {
  conversationId: string;
  turnId: string;
  workflowId: string;
  turnWorkflowId?: string;
}

/** `POST /api/chat?wait=true` → 200 (or 202 with `status: 'running'` when the wait timed out). */
export type AnsweredTurn = AcceptedTurn & (TurnResult | { status: 'running' });

export interface AgentCraftClientOptions {
  /** `http(s)://host:port` of the API. */
  baseUrl: string;
  /** A JWT or an API key (`ack_…`); none in development mode. */
  token?: string;
}

/** A non-2xx answer: the API's error code, message and request id. */
export class AgentCraftApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'AgentCraftApiError';
  }
}

/** `?a=1&b=2` of the defined values, or nothing. */
function queryString(query: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams(Object.entries(query).flatMap(([key, value]): [string, string][] => (value === undefined ? [] : [[key, String(value)]])));
  return search.size === 0 ? '' : `?${search.toString()}`;
}

export class AgentCraftClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;

  constructor(options: AgentCraftClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
  }

  async #request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      const error = (parsed.error ?? {}) as { code?: string; message?: string; requestId?: string };
      throw new AgentCraftApiError(response.status, error.code ?? 'http_error', error.message ?? response.statusText, error.requestId ?? response.headers.get('x-request-id') ?? undefined);
    }
    return parsed as T;
  }

  /** Starts a conversation (or continues one, with `conversationId`); the turn runs in the background. */
  chat(input: ChatInput, options: { idempotencyKey?: string } = {}): Promise<AcceptedTurn> {
    return this.#request('POST', '/api/chat', input, options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey });
  }

  /** Sends a message to an existing conversation. */
  sendMessage(conversationId: string, message: string, options: { idempotencyKey?: string } = {}): Promise<AcceptedTurn> {
    return this.chat({ conversationId, message }, options);
  }

  /** Sends a message and waits (server side) for the answer. */
  ask(input: ChatInput): Promise<AnsweredTurn> {
    return this.#request('POST', '/api/chat?wait=true', input);
  }

  /** Follows the conversation's events from `fromSeq` (exclusive), reconnecting and resuming when dropped. */
  followEvents(conversationId: string, options: FollowOptions = {}): AsyncGenerator<ConversationEvent> {
    return followConversationEvents(this.#baseUrl, this.#token, conversationId, options);
  }

  /** Waits for the turn's `turn-finished` event (over the WebSocket) and returns its result. */
  async waitForTurn(conversationId: string, turnId: string, options: { fromSeq?: number; timeoutMs?: number } = {}): Promise<TurnResult> {
    const signal = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    for await (const event of this.followEvents(conversationId, { fromSeq: options.fromSeq ?? 0, signal })) {
      if (event.type === 'turn-finished' && event.turnId === turnId) return (event.payload as { result: TurnResult }).result;
    }
    throw new Error(`Turn ${turnId} did not finish within ${options.timeoutMs ?? 120_000} ms`);
  }

  getConversation(conversationId: string): Promise<{ conversation: Record<string, unknown>; messages: Record<string, unknown>[]; turns: Record<string, unknown>[] }> {
    return this.#request('GET', `/api/conversations/${encodeURIComponent(conversationId)}`);
  }

  listEscalations(query: EscalationQuery = {}): Promise<{ escalations: (Record<string, unknown> & { id: string; status: string; conversationId: string; turnId: string })[] }> {
    return this.#request('GET', `/api/escalations${queryString(query)}`);
  }

  /** Approves, edits, rejects or reassigns an escalation (409 `already_decided` when someone was first). */
  decide(escalationId: string, decision: DecisionInput): Promise<{ accepted: true; escalationId: string; action: string }> {
    return this.#request('POST', `/api/escalations/${encodeURIComponent(escalationId)}/decision`, decision);
  }

  listWebhooks(): Promise<{ endpoints: WebhookEndpointView[] }> {
    return this.#request('GET', '/api/webhooks');
  }

  /** Subscribes an endpoint; keep the returned `secret` to verify deliveries (it is shown once). */
  createWebhook(input: CreateWebhook): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    return this.#request('POST', '/api/webhooks', input);
  }

  deleteWebhook(id: string): Promise<void> {
    return this.#request('DELETE', `/api/webhooks/${encodeURIComponent(id)}`);
  }

  listWebhookDeliveries(query: { endpointId?: string; status?: WebhookDeliveryView['status']; limit?: number } = {}): Promise<{ deliveries: WebhookDeliveryView[] }> {
    return this.#request('GET', `/api/webhooks/deliveries${queryString(query)}`);
  }

  replayWebhookDelivery(deliveryId: string): Promise<{ deliveryId: string }> {
    return this.#request('POST', `/api/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`);
  }
}

export { verifyWebhook, WebhookVerificationError } from '../../activities/webhooks/signing.js';
