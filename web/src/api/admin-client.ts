/** Typed calls to `/api/auth/*`, `/api/webhooks*` and `/api/audit` (see `auth-types.ts`). */
import type {
  ApiKeyCreated,
  ApiKeyView,
  AuditEntry,
  AuthMeResponse,
  CreateApiKeyInput,
  CreateWebhookInput,
  DeliveryStatus,
  WebhookCreated,
  WebhookDelivery,
  WebhookEndpoint,
} from './auth-types';
import { requestJson } from './http';
import { queryOf } from './knowledge-client';

const segment = encodeURIComponent;

export interface AuditFilter {
  action?: string;
  before?: string;
  limit?: number;
}

export interface DeliveryFilter {
  endpointId?: string;
  status?: DeliveryStatus;
  limit?: number;
}

/** The contract names `targetType/targetId/detail`; the store says `subjectType/subjectId/details`: take either. */
export function normalizeAuditEntry(raw: Record<string, unknown>): AuditEntry {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const detail = raw.detail ?? raw.details;
  return {
    id: String(raw.id),
    at: text(raw.at) ?? '',
    tenantId: text(raw.tenantId) ?? '',
    actor: text(raw.actor) ?? '',
    action: text(raw.action) ?? '',
    targetType: text(raw.targetType) ?? text(raw.subjectType),
    targetId: text(raw.targetId) ?? text(raw.subjectId),
    detail: typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : null,
  };
}

export const authApi = {
  me(): Promise<AuthMeResponse> {
    return requestJson<AuthMeResponse>('/api/auth/me');
  },
  async listKeys(): Promise<ApiKeyView[]> {
    return (await requestJson<{ keys: ApiKeyView[] }>('/api/auth/keys')).keys;
  },
  createKey(input: CreateApiKeyInput): Promise<ApiKeyCreated> {
    return requestJson('/api/auth/keys', { method: 'POST', body: input });
  },
  rotateKey(id: string, graceSeconds?: number): Promise<ApiKeyCreated> {
    return requestJson(`/api/auth/keys/${segment(id)}/rotate`, { method: 'POST', body: graceSeconds === undefined ? {} : { graceSeconds } });
  },
  async revokeKey(id: string): Promise<void> {
    await requestJson<unknown>(`/api/auth/keys/${segment(id)}`, { method: 'DELETE' });
  },
  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const body = await requestJson<{ entries: Record<string, unknown>[] }>(`/api/audit${queryOf({ ...filter })}`);
    return body.entries.map(normalizeAuditEntry);
  },
};

export const webhooksApi = {
  async listEndpoints(): Promise<WebhookEndpoint[]> {
    return (await requestJson<{ endpoints: WebhookEndpoint[] }>('/api/webhooks')).endpoints;
  },
  createEndpoint(input: CreateWebhookInput): Promise<WebhookCreated> {
    return requestJson('/api/webhooks', { method: 'POST', body: input });
  },
  async deleteEndpoint(id: string): Promise<void> {
    await requestJson<unknown>(`/api/webhooks/${segment(id)}`, { method: 'DELETE' });
  },
  async listDeliveries(filter: DeliveryFilter = {}): Promise<WebhookDelivery[]> {
    return (await requestJson<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/deliveries${queryOf({ ...filter })}`)).deliveries;
  },
  replayDelivery(id: string): Promise<{ deliveryId: string }> {
    return requestJson(`/api/webhooks/deliveries/${segment(id)}/replay`, { method: 'POST' });
  },
};
