/**
 * The authenticated principal of a request, and the guards routes use: `requireRole` (401 without a
 * principal, 403 without one of the roles or — for API keys limited by scopes — without the scope),
 * `principalOf(request)` and `tenantOf(request)`.
 */
import type { Request, RequestHandler } from 'express';
import type { Principal, Role } from '../../domain/auth.js';
import { ApiError, ErrorCode } from '../errors.js';
import type { Scope } from './api-key-service.js';

const principals = new WeakMap<Request, Principal>();

/** Roles that see their whole tenant; a principal with none of them sees only its own conversations. */
const TENANT_WIDE_ROLES: readonly Role[] = ['reviewer', 'admin', 'operator', 'integrator'];

export function setPrincipal(request: Request, principal: Principal): void {
  principals.set(request, principal);
}

/** The principal, or undefined for an anonymous request (outside development mode). */
export function maybePrincipalOf(request: Request): Principal | undefined {
  return principals.get(request);
}

export function unauthorized(message = 'Authentication required: send Authorization: Bearer <JWT or API key>'): ApiError {
  return new ApiError(401, ErrorCode.unauthorized, message, { headers: { 'www-authenticate': 'Bearer realm="agentcraft"' } });
}

/** The request's principal; 401 when there is none. */
export function principalOf(request: Request): Principal {
  const principal = principals.get(request);
  if (principal === undefined) throw unauthorized();
  return principal;
}

/** The tenant every query of this request is limited to. */
export function tenantOf(request: Request): string {
  return principalOf(request).tenantId;
}

export function hasRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

/** True for end users: they see only their own conversations. */
export function isCustomerOnly(principal: Principal): boolean {
  return !hasRole(principal, TENANT_WIDE_ROLES);
}

/** The customer id a customer-only principal acts as: its claim, else its subject. */
export function ownCustomerId(principal: Principal): string {
  return principal.customerId ?? principal.subject;
}

/** API keys may be limited to scopes; JWT and development principals are limited by their roles only. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes === undefined || principal.scopes.length === 0 || principal.scopes.includes(scope);
}

/** Guard: the principal needs one of `roles` (and `scope`, for a scoped API key). */
export function requireRole(roles: readonly Role[], scope?: Scope): RequestHandler {
  return (request, _response, next) => {
    const principal = principalOf(request);
    if (!hasRole(principal, roles)) throw new ApiError(403, ErrorCode.forbidden, `This needs one of the roles: ${roles.join(', ')}`);
    if (scope !== undefined && !hasScope(principal, scope)) throw new ApiError(403, ErrorCode.forbidden, `This API key lacks the scope "${scope}"`);
    next();
  };
}

/** The actor written to audit entries: in development mode the name a request gives, else the authenticated subject. */
export function actorOf(principal: Principal, claimed?: string): string {
  return principal.method === 'development' && claimed !== undefined ? claimed : principal.subject;
}
