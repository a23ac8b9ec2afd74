/**
 * Typed calls to the AgentCraft API: chat, conversations, review, agents, models, analytics (knowledge, auth,
 * webhooks and audit live in `knowledge-client.ts` and `admin-client.ts`).
 * Endpoints other issues are adding throw `ApiError` with `notAvailable` (404 `not_found`) until they land;
 * pages show that as "not available yet".
 */
import { requestJson } from './http';
import type {
  AgentDefinition,
  AgentMetrics,
  AnalyticsPoint,
  EscalationStats,
  Escalation,
  ModelCatalog,
  ModelInfo,
  ProviderHealth,
  ReviewDecisionInput,
} from './upcoming-types';
import type { ChatAccepted, ConversationDetail, ConversationRecord, ConversationSnapshot, TurnRecord } from './types';

const segment = encodeURIComponent;

/** A list from `[...]` or an envelope such as `{ items: [...] }` / `{ escalations: [...] }`. */
export function listOf<T>(body: unknown, keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    for (const key of [...keys, 'items', 'data']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

export interface SendMessageInput {
  message: string;
  conversationId?: string;
  customerId?: string;
  metadata?: Record<string, unknown>;
}

export const api = {
  sendMessage(input: SendMessageInput, idempotencyKey?: string): Promise<ChatAccepted> {
    const headers: Record<string, string> = idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey };
    return requestJson<ChatAccepted>('/api/chat', { method: 'POST', body: input, headers });
  },
  /** `GET /api/conversations`: the caller's conversations, most recently updated first. */
  async listConversations(limit = 50, signal?: AbortSignal): Promise<ConversationRecord[]> {
    const body = await requestJson<{ conversations: ConversationRecord[] }>(`/api/conversations?limit=${limit}`, signal === undefined ? {} : { signal });
    return body.conversations;
  },
  getConversation(id: string, signal?: AbortSignal): Promise<ConversationDetail> {
    return requestJson<ConversationDetail>(`/api/conversations/${segment(id)}`, signal === undefined ? {} : { signal });
  },
  getTurn(conversationId: string, turnId: string, signal?: AbortSignal): Promise<TurnRecord> {
    return requestJson<TurnRecord>(`/api/conversations/${segment(conversationId)}/turns/${segment(turnId)}`, signal === undefined ? {} : { signal });
  },
  getState(conversationId: string): Promise<ConversationSnapshot> {
    return requestJson<ConversationSnapshot>(`/api/conversations/${segment(conversationId)}/state`);
  },

  async listEscalations(status = 'pending'): Promise<Escalation[]> {
    return listOf<Escalation>(await requestJson<unknown>(`/api/escalations?status=${segment(status)}`), ['escalations']);
  },
  decideEscalation(id: string, decision: ReviewDecisionInput): Promise<unknown> {
    return requestJson<unknown>(`/api/escalations/${segment(id)}/decision`, { method: 'POST', body: decision });
  },
  /** A person takes the conversation over (the `takeOver` signal): the AI stops answering. */
  takeOver(conversationId: string, agent: string): Promise<unknown> {
    return requestJson<unknown>(`/api/conversations/${segment(conversationId)}/takeover`, { method: 'POST', body: { agent } });
  },
  /** A human agent's reply in a conversation they took over. */
  sendHumanReply(conversationId: string, agent: string, message: string): Promise<unknown> {
    return requestJson<unknown>(`/api/conversations/${segment(conversationId)}/messages`, { method: 'POST', body: { agent, message } });
  },

  async listAgents(): Promise<AgentDefinition[]> {
    return listOf<AgentDefinition>(await requestJson<unknown>('/api/agents'), ['agents']);
  },
  updateAgent(agent: AgentDefinition): Promise<AgentDefinition> {
    return requestJson<AgentDefinition>(`/api/agents/${segment(agent.id)}`, { method: 'PUT', body: agent });
  },

  async getModels(): Promise<ModelCatalog> {
    const body = await requestJson<unknown>('/api/models');
    return { models: listOf<ModelInfo>(body, ['models']), providers: listOf<ProviderHealth>(objectField(body, 'providers'), ['providers']) };
  },
  /** Proposed: daily volume, outcomes, latency and cost. */
  async getAnalyticsSeries(days = 30): Promise<AnalyticsPoint[]> {
    return listOf<AnalyticsPoint>(await requestJson<unknown>(`/api/analytics/overview?days=${days}`), ['series']);
  },
  getEscalationStats(days = 30): Promise<EscalationStats> {
    return requestJson<EscalationStats>(`/api/analytics/escalations?days=${days}`);
  },
  async getAgentMetrics(days = 30): Promise<AgentMetrics[]> {
    return listOf<AgentMetrics>(await requestJson<unknown>(`/api/analytics/agents?days=${days}`), ['agents']);
  },
};

function objectField(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}
