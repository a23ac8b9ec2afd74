/**
 * Assembles the API's security from configuration: the authenticator (development or JWT/API-key mode),
 * the rate limiters (Redis or memory; off unless configured) and the per-conversation turn cap. Says
 * loudly when it runs the insecure development mode.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Store } from '../../activities/persistence/store.js';
import { AuthMode, type RateLimitConfiguration } from '../../domain/auth-config.js';
import { Role } from '../../domain/auth.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';
import { createJwtVerifier, type JwtSettings } from './jwt-verifier.js';
import { createRateLimiters, type RateLimiters } from './rate-limit.js';

/** The security part of the API configuration; everything optional (tests pass nothing: development mode, no limits). */
export interface ApiSecurityConfiguration {
  auth?: { mode?: AuthMode | undefined; jwt?: Partial<JwtSettings> };
  /** Absent or `enabled: false`: no rate limits. */
  rateLimits?: Partial<RateLimitConfiguration>;
  corsOrigins?: readonly string[];
  trustProxy?: string | undefined;
}

export interface ApiSecurity {
  authenticator: Authenticator;
  rateLimiters: RateLimiters | null;
  maxPendingTurns: number;
  corsOrigins: readonly string[];
}

export const DEFAULT_MAX_PENDING_TURNS = 5;

function jwtSettings(partial: Partial<JwtSettings> = {}): JwtSettings {
  return {
    issuer: partial.issuer,
    audience: partial.audience,
    algorithms: partial.algorithms,
    publicKeyPem: partial.publicKeyPem,
    secret: partial.secret,
    jwksUrl: partial.jwksUrl,
    tenantClaim: partial.tenantClaim ?? 'tenant_id',
    rolesClaim: partial.rolesClaim ?? 'roles',
    customerClaim: partial.customerClaim ?? 'customer_id',
    defaultRoles: partial.defaultRoles ?? [Role.customer],
    clockToleranceSeconds: partial.clockToleranceSeconds ?? 30,
  };
}

export function createApiSecurity(configuration: ApiSecurityConfiguration, dependencies: { store: Store; logger: Logger; redis?: Redis; rateLimitKeyPrefix?: string }): ApiSecurity {
  const mode = configuration.auth?.mode ?? AuthMode.development;
  const jwt = createJwtVerifier(jwtSettings(configuration.auth?.jwt));
  const developmentMode = mode === AuthMode.development;
  if (developmentMode) {
    dependencies.logger.warn(
      'AUTHENTICATION IS OFF (AGENTCRAFT_AUTH_MODE=development): requests without credentials act as an all-roles development user. Never expose this server; set AGENTCRAFT_AUTH_MODE=jwt.',
    );
  } else if (jwt === null) {
    dependencies.logger.warn('AGENTCRAFT_AUTH_MODE=jwt without a JWT key (AGENTCRAFT_JWT_PUBLIC_KEY, AGENTCRAFT_JWT_SECRET or AGENTCRAFT_JWT_JWKS_URL): only API keys authenticate');
  } else {
    dependencies.logger.info({ algorithms: jwt.algorithms }, 'JWT authentication enabled');
  }
  const limits = configuration.rateLimits;
  const rateLimiters =
    limits === undefined || limits.enabled === false
      ? null
      : createRateLimiters(
          { windowSeconds: limits.windowSeconds ?? 60, perPrincipal: limits.perPrincipal ?? 300, perIp: limits.perIp ?? 600 },
          { ...(dependencies.redis === undefined ? {} : { redis: dependencies.redis }), ...(dependencies.rateLimitKeyPrefix === undefined ? {} : { keyPrefix: dependencies.rateLimitKeyPrefix }) },
        );
  return {
    authenticator: createAuthenticator({ developmentMode, jwt, store: dependencies.store, logger: dependencies.logger }),
    rateLimiters,
    maxPendingTurns: limits?.maxPendingTurns ?? DEFAULT_MAX_PENDING_TURNS,
    corsOrigins: configuration.corsOrigins ?? [],
  };
}
