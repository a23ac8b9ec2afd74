/**
 * Who am I (`GET /api/auth/me`), the tenant's API keys (admin: list, create — the secret is shown once —,
 * rotate with a grace period, revoke) and the audit log (`GET /api/audit`, admin). Key changes are audited.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Store } from '../../activities/persistence/store.js';
import { RoleSchema, type AuthMeResponse, type Principal } from '../../domain/auth.js';
import { ScopeSchema } from '../auth/api-key-service.js';
import type { Authenticator } from '../auth/authenticator.js';
import { principalOf, requireRole } from '../auth/principal.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { jsonBody } from './json-body.js';

/** An API key id in a path. */
export const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be an API key id');
export const createApiKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  roles: z.array(RoleSchema).min(1).max(5).default(['integrator']),
  scopes: z.array(ScopeSchema).max(20).default([]),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export const rotateApiKeyBodySchema = z.strictObject({ graceSeconds: z.number().int().min(0).max(30 * 86_400).default(86_400) });
export const auditQuerySchema = z.looseObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be an audit entry id').optional(),
  action: z.string().trim().min(1).max(100).optional(),
});

const keyNotFound = () => new ApiError(404, ErrorCode.apiKeyNotFound, 'API key not found');

export interface AuthRouterDependencies {
  authenticator: Authenticator;
  store: Store;
  bodyLimitBytes: number;
}

function audit(store: Store, principal: Principal, action: string, keyId: string, details: Record<string, unknown>): Promise<void> {
  return store.appendAudit({ tenantId: principal.tenantId, actor: principal.subject, action, subjectType: 'api-key', subjectId: keyId, details });
}

export function authRouter(dependencies: AuthRouterDependencies): Router {
  const { authenticator, store } = dependencies;
  const apiKeys = authenticator.apiKeys;
  const router = express.Router();
  const body = jsonBody(dependencies.bodyLimitBytes);
  const admin = requireRole(['admin'], 'admin');

  router.get('/api/auth/me', (request, response) => {
    const me: AuthMeResponse = { principal: principalOf(request), developmentMode: authenticator.developmentMode };
    response.json(me);
  });

  router.get('/api/auth/keys', admin, async (request, response) => {
    response.json({ keys: await apiKeys.list(principalOf(request).tenantId) });
  });

  router.post('/api/auth/keys', admin, ...body, async (request, response) => {
    const principal = principalOf(request);
    const input = parseOrThrow(createApiKeyBodySchema, request.body, 'request body');
    if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= Date.now()) throw new ApiError(400, ErrorCode.invalidRequest, 'Invalid request body: expiresAt: must be in the future');
    const created = await apiKeys.create({ tenantId: principal.tenantId, name: input.name, roles: input.roles, scopes: input.scopes, expiresAt: input.expiresAt ?? null, createdBy: principal.subject });
    await audit(store, principal, 'api-key.create', created.key.id, { name: input.name, roles: input.roles, scopes: input.scopes, expiresAt: input.expiresAt ?? null });
    response.status(201).json(created);
  });

  router.post('/api/auth/keys/:id/rotate', admin, ...body, async (request, response) => {
    const principal = principalOf(request);
    const id = parseOrThrow(keyIdSchema, request.params.id, 'API key id');
    const { graceSeconds } = parseOrThrow(rotateApiKeyBodySchema, request.body ?? {}, 'request body');
    const rotated = await apiKeys.rotate({ tenantId: principal.tenantId, id, graceSeconds, rotatedBy: principal.subject });
    if (rotated === null) throw keyNotFound();
    await audit(store, principal, 'api-key.rotate', id, { newKeyId: rotated.key.id, graceUntil: rotated.graceUntil });
    response.status(201).json({ key: rotated.key, secret: rotated.secret });
  });

  router.delete('/api/auth/keys/:id', admin, async (request, response) => {
    const principal = principalOf(request);
    const id = parseOrThrow(keyIdSchema, request.params.id, 'API key id');
    if (!(await apiKeys.revoke({ tenantId: principal.tenantId, id }))) throw keyNotFound();
    await audit(store, principal, 'api-key.revoke', id, {});
    response.status(204).end();
  });

  router.get('/api/audit', admin, async (request, response) => {
    const query = parseOrThrow(auditQuerySchema, request.query, 'query string');
    const entries = await store.security().listAuditPage({ tenantId: principalOf(request).tenantId, limit: query.limit, ...(query.before === undefined ? {} : { beforeId: query.before }), ...(query.action === undefined ? {} : { action: query.action }) });
    response.json({
      entries: entries.map((entry) => ({ id: entry.id, at: entry.at, tenantId: entry.tenantId, actor: entry.actor, action: entry.action, targetType: entry.subjectType, targetId: entry.subjectId, detail: entry.details })),
    });
  });
  return router;
}
