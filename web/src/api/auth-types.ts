/**
 * Mirror of `domain/auth.ts` (roles, the principal, `GET /api/auth/me`) and of the admin contracts for API
 * keys, webhooks and the audit log. Plain types: the web app reads the JSON the API sends.
 */

export const Role = {
  customer: 'customer',
  reviewer: 'reviewer',
  admin: 'admin',
  operator: 'operator',
  integrator: 'integrator',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

export const AuthMethod = { development: 'development', jwt: 'jwt', apiKey: 'api-key' } as const;
export type AuthMethod = (typeof AuthMethod)[keyof typeof AuthMethod];

/** The authenticated caller. */
export interface Principal {
  subject: string;
  tenantId: string;
  roles: Role[];
  method: AuthMethod;
  scopes?: string[];
  customerId: string | null;
}

/** `GET /api/auth/me`. */
export interface AuthMeResponse {
  principal: Principal;
  developmentMode: boolean;
}

/** What a key may be limited to beyond its roles; none means "everything its roles allow". */
export const API_KEY_SCOPES = ['chat', 'conversations:read', 'conversations:write', 'escalations', 'agents', 'analytics', 'knowledge', 'admin', 'codec'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** An API key as the admin API lists it (never its secret). */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedFromId: string | null;
}

/** `POST /api/auth/keys`. */
export interface CreateApiKeyInput {
  name: string;
  roles?: Role[];
  scopes?: ApiKeyScope[];
  expiresAt?: string;
}

/** `201` of creating or rotating a key: the secret, shown once. */
export interface ApiKeyCreated {
  key: ApiKeyView;
  secret: string;
}

export const WebhookEventType = {
  turnFinished: 'turn-finished',
  escalationCreated: 'escalation-created',
  escalationResolved: 'escalation-resolved',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
export const WEBHOOK_EVENTS: readonly WebhookEventType[] = Object.values(WebhookEventType);

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  description: string | null;
}

export interface CreateWebhookInput {
  url: string;
  events: WebhookEventType[];
  description?: string;
}

export interface WebhookCreated {
  endpoint: WebhookEndpoint;
  secret: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** One audit log entry (`GET /api/audit`). */
export interface AuditEntry {
  id: string;
  at: string;
  tenantId: string;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown> | null;
}
