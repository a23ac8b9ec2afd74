/**
 * Turns a presented credential (a JWT or an API key) into a `Principal`, or — in development mode, when
 * nothing is presented — into the all-roles development user. Successful logins go to the audit log once
 * per subject and UTC day (the audit insert is keyed, so several API processes still write one entry).
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/persistence/store.js';
import type { Principal } from '../../domain/auth.js';
import { ApiKeyService } from './api-key-service.js';
import { looksLikeApiKey } from './api-key-secret.js';
import { InvalidCredentialsError, type JwtVerifier } from './jwt-verifier.js';

/** The principal of credential-less requests in development mode (the documented contract). */
export const DEVELOPMENT_PRINCIPAL: Principal = Object.freeze({
  subject: 'dev-user',
  tenantId: 'default',
  roles: ['customer', 'reviewer', 'admin', 'operator'],
  method: 'development',
  customerId: null,
}) as Principal;

export interface Authenticated {
  principal: Principal;
  /** Epoch ms after which the credential is no longer valid (null: no expiry). */
  expiresAt: number | null;
}

export interface Authenticator {
  readonly developmentMode: boolean;
  readonly apiKeys: ApiKeyService;
  /**
   * The principal for a bearer credential; without one, the development principal in development mode and
   * null otherwise. Throws `InvalidCredentialsError` for a credential that is presented but not valid.
   */
  authenticate(token: string | undefined): Promise<Authenticated | null>;
}

export interface AuthenticatorOptions {
  developmentMode: boolean;
  jwt: JwtVerifier | null;
  store: Store;
  logger: Logger;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const apiKeys = new ApiKeyService(options.store.security());
  const loggedIn = new Set<string>();

  const auditLogin = (principal: Principal): void => {
    const day = new Date().toISOString().slice(0, 10);
    const key = `auth.login:${principal.tenantId}:${principal.subject}:${day}`;
    if (loggedIn.has(key)) return;
    if (loggedIn.size > 50_000) loggedIn.clear();
    loggedIn.add(key);
    options.store
      .appendAudit({ tenantId: principal.tenantId, actor: principal.subject, action: 'auth.login', subjectType: 'principal', subjectId: principal.subject, details: { method: principal.method, roles: principal.roles }, idempotencyKey: key })
      .catch((error: unknown) => {
        loggedIn.delete(key);
        options.logger.warn({ err: error }, 'could not write the login audit entry');
      });
  };

  return {
    developmentMode: options.developmentMode,
    apiKeys,
    async authenticate(token) {
      if (token === undefined) return options.developmentMode ? { principal: DEVELOPMENT_PRINCIPAL, expiresAt: null } : null;
      let authenticated: Authenticated;
      if (looksLikeApiKey(token)) {
        authenticated = await apiKeys.authenticate(token);
      } else {
        if (options.jwt === null) throw new InvalidCredentialsError('This server does not accept JWTs (no key is configured); use an API key');
        authenticated = await options.jwt.verify(token);
      }
      auditLogin(authenticated.principal);
      return authenticated;
    },
  };
}
