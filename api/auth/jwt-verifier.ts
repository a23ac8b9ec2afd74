/**
 * JWT verification with `jose`: the algorithm is pinned to a configured list (never `none`; HMAC only with
 * a shared secret, so a public key can never be used as an HMAC secret), the signature is checked against a
 * PEM public key, a shared secret or an OIDC JWKS URL, and issuer, audience, expiry and not-before are
 * enforced with a small clock tolerance. Claims map to a `Principal`.
 */
import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { RoleSchema, type Principal, type Role } from '../../domain/auth.js';
import type { AuthConfiguration, JwtAlgorithm } from '../../domain/auth-config.js';

export type JwtSettings = AuthConfiguration['jwt'];

const ASYMMETRIC_DEFAULT: JwtAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];
const HMAC_DEFAULT: JwtAlgorithm[] = ['HS256'];
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A credential that was presented but is not valid; the message is safe to show. */
export class InvalidCredentialsError extends Error {
  override readonly name = 'InvalidCredentialsError';
}

export interface JwtVerifier {
  /** The algorithms accepted (for logs and tests). */
  readonly algorithms: readonly JwtAlgorithm[];
  verify(token: string): Promise<{ principal: Principal; expiresAt: number | null }>;
}

/** Null when no key source is configured (JWTs are then refused). Throws on a half-done configuration. */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | null {
  const hasAsymmetric = settings.publicKeyPem !== undefined || settings.jwksUrl !== undefined;
  if (!hasAsymmetric && settings.secret === undefined) return null;
  if (settings.issuer === undefined || settings.audience === undefined) {
    throw new Error('JWT authentication needs AGENTCRAFT_JWT_ISSUER and AGENTCRAFT_JWT_AUDIENCE (tokens of other issuers or services must not be accepted)');
  }
  if (settings.publicKeyPem !== undefined && settings.jwksUrl !== undefined) throw new Error('Set AGENTCRAFT_JWT_PUBLIC_KEY or AGENTCRAFT_JWT_JWKS_URL, not both');
  if (settings.secret !== undefined && Buffer.byteLength(settings.secret) < 32) throw new Error('AGENTCRAFT_JWT_SECRET must be at least 32 bytes');
  const algorithms = settings.algorithms ?? [...(hasAsymmetric ? ASYMMETRIC_DEFAULT : []), ...(settings.secret === undefined ? [] : HMAC_DEFAULT)];
  const getKey = keyResolver(settings);
  return {
    algorithms,
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms,
          issuer: settings.issuer,
          audience: settings.audience,
          clockTolerance: settings.clockToleranceSeconds,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        throw new InvalidCredentialsError(describeFailure(error), { cause: error });
      }
      return { principal: principalOf(payload, settings), expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null };
    },
  };
}

/** HMAC algorithms get the shared secret, every other algorithm the public key or the JWKS. */
function keyResolver(settings: JwtSettings): JWTVerifyGetKey {
  const secret = settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret);
  const jwks = settings.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  const imported = new Map<string, ReturnType<typeof importSPKI>>();
  return async (header, token) => {
    const algorithm = header.alg ?? '';
    if (algorithm.startsWith('HS')) {
      if (secret === undefined) throw new InvalidCredentialsError('HMAC-signed tokens are not accepted');
      return secret;
    }
    if (jwks !== undefined) return await jwks(header, token);
    if (settings.publicKeyPem === undefined) throw new InvalidCredentialsError('Asymmetrically signed tokens are not accepted');
    let key = imported.get(algorithm);
    if (key === undefined) {
      key = importSPKI(settings.publicKeyPem, algorithm);
      imported.set(algorithm, key);
    }
    return await key;
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof InvalidCredentialsError) return error.message;
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm that is not accepted';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'No key of the issuer matches the token';
  return 'The token is not valid';
}

/** A claim by name, or by a dotted path into nested objects (Keycloak's `realm_access.roles`). */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  return name.split('.').reduce<unknown>((value, part) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined), payload);
}

function rolesOf(value: unknown, fallback: readonly Role[]): Role[] {
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : undefined;
  if (names === undefined) return [...fallback];
  return [...new Set(names.flatMap((name) => { const role = RoleSchema.safeParse(name); return role.success ? [role.data] : []; }))];
}

function principalOf(payload: JWTPayload, settings: JwtSettings): Principal {
  const subject = payload.sub ?? '';
  const tenantId = claim(payload, settings.tenantClaim);
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) throw new InvalidCredentialsError(`The token has no valid "${settings.tenantClaim}" claim`);
  if (subject === '' || subject.length > 256) throw new InvalidCredentialsError('The token has no valid "sub" claim');
  const roles = rolesOf(claim(payload, settings.rolesClaim), settings.defaultRoles);
  const customerClaim = claim(payload, settings.customerClaim);
  const customerId = typeof customerClaim === 'string' && customerClaim !== '' ? customerClaim.slice(0, 200) : roles.includes('customer') ? subject.slice(0, 200) : null;
  return { subject, tenantId, roles, method: 'jwt', customerId };
}

/** Tenant ids as the API accepts them anywhere (claims, key creation). */
export const tenantIdPattern = TENANT_ID;
