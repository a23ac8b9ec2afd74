/**
 * Who is calling: roles and the authenticated principal, shared by the API (which authenticates) and the
 * web app (which mirrors `GET /api/auth/me`). Pure module.
 */
import { z } from 'zod';

export const Role = {
  /** An end user: their own conversations only. */
  customer: 'customer',
  /** Decides escalations of their tenant. */
  reviewer: 'reviewer',
  /** Edits the tenant's agents, policies, knowledge, API keys and webhooks; reads the audit log. */
  admin: 'admin',
  /** Runs the system: metrics, codec endpoint (reads workflow histories), every tenant's operational views. */
  operator: 'operator',
  /** A backend of the tenant, through an API key: starts and follows conversations on behalf of customers. */
  integrator: 'integrator',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const RoleSchema = z.enum(Object.values(Role) as [Role, ...Role[]]);

export const AuthMethod = { development: 'development', jwt: 'jwt', apiKey: 'api-key' } as const;
export type AuthMethod = (typeof AuthMethod)[keyof typeof AuthMethod];

/** The authenticated caller of one request or WebSocket connection. */
export const PrincipalSchema = z.object({
  /** Stable subject: the JWT `sub`, or `api-key:<keyId>`. */
  subject: z.string(),
  tenantId: z.string(),
  roles: z.array(RoleSchema),
  method: z.enum([AuthMethod.development, AuthMethod.jwt, AuthMethod.apiKey]),
  /** Scopes of an API key (absent for JWT and development principals). */
  scopes: z.array(z.string()).optional(),
  /** The customer id this principal acts as (customers: their own id; others: none). */
  customerId: z.string().nullable(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** `GET /api/auth/me`: the principal plus whether the server runs the insecure development mode. */
export const AuthMeResponseSchema = z.object({
  principal: PrincipalSchema,
  developmentMode: z.boolean(),
});
export type AuthMeResponse = z.infer<typeof AuthMeResponseSchema>;
