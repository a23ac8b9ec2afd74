/**
 * JWT verification against forged and broken tokens: `alg: none`, a wrong key, HS256 signed with the
 * public key as the HMAC secret (algorithm confusion), wrong audience and issuer, expired and not yet
 * valid tokens, missing claims; and keys served as a JWKS by a real local HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, type JwtSettings, type JwtVerifier } from './jwt-verifier.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'agentcraft-api';
const now = () => Math.floor(Date.now() / 1000);

function settings(overrides: Partial<JwtSettings>): JwtSettings {
  return { issuer: ISSUER, audience: AUDIENCE, algorithms: undefined, publicKeyPem: undefined, secret: undefined, jwksUrl: undefined, tenantClaim: 'tenant_id', rolesClaim: 'roles', customerClaim: 'customer_id', defaultRoles: ['customer'], clockToleranceSeconds: 5, ...overrides };
}

const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'user-1', tenant_id: 'acme', roles: ['reviewer'], ...extra });

async function sign(key: CryptoKey | Uint8Array, alg: string, payload: JWTPayload = claims(), options: { exp?: number | string; nbf?: number; iss?: string; aud?: string; kid?: string } = {}): Promise<string> {
  let jwt = new SignJWT(payload).setProtectedHeader({ alg, ...(options.kid === undefined ? {} : { kid: options.kid }) }).setIssuedAt().setIssuer(options.iss ?? ISSUER).setAudience(options.aud ?? AUDIENCE).setExpirationTime(options.exp ?? '5m');
  if (options.nbf !== undefined) jwt = jwt.setNotBefore(options.nbf);
  return await jwt.sign(key);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let other: { publicKey: CryptoKey; privateKey: CryptoKey };
let publicPem: string;
let verifier: JwtVerifier;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  other = await generateKeyPair('RS256', { extractable: true });
  publicPem = await exportSPKI(rsa.publicKey);
  const created = createJwtVerifier(settings({ publicKeyPem: publicPem }));
  if (created === null) throw new Error('no verifier');
  verifier = created;
});

async function rejection(token: string, using: JwtVerifier = verifier): Promise<string> {
  try {
    await using.verify(token);
  } catch (error) {
    expect((error as Error).name).toBe('InvalidCredentialsError');
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

describe('JWT verification with a pinned algorithm', () => {
  it('accepts a valid RS256 token and maps sub, tenant, roles and customer id', async () => {
    const token = await sign(rsa.privateKey, 'RS256', claims({ roles: ['reviewer', 'customer', 'superuser'], customer_id: 'cust-9' }));
    const { principal, expiresAt } = await verifier.verify(token);
    expect(principal).toEqual({ subject: 'user-1', tenantId: 'acme', roles: ['reviewer', 'customer'], method: 'jwt', customerId: 'cust-9' });
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(verifier.algorithms).toEqual(['RS256', 'ES256', 'EdDSA']);
  });

  it('rejects alg "none" (an unsigned token)', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims(), iss: ISSUER, aud: AUDIENCE, exp: now() + 300 })}.`;
    expect(await rejection(unsigned)).toMatch(/not accepted|not valid/);
  });

  it('rejects a token signed by another key', async () => {
    expect(await rejection(await sign(other.privateKey, 'RS256'))).toBe('The token signature is invalid');
  });

  it('rejects HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const forged = await sign(new TextEncoder().encode(publicPem), 'HS256');
    expect(await rejection(forged)).toBe('The token is signed with an algorithm that is not accepted');
    // Even a server that also accepts HS256 (with its own secret) never uses the public key as the HMAC key.
    const both = createJwtVerifier(settings({ publicKeyPem: publicPem, secret: 'a-shared-secret-of-at-least-32-bytes!!' }));
    expect(both?.algorithms).toContain('HS256');
    expect(await rejection(forged, both ?? verifier)).toBe('The token signature is invalid');
  });

  it('rejects a wrong audience, a wrong issuer, an expired token, a token not yet valid, and missing claims', async () => {
    expect(await rejection(await sign(rsa.privateKey, 'RS256', claims(), { aud: 'another-service' }))).toBe('The token\'s "aud" claim is not accepted');
    expect(await rejection(await sign(rsa.privateKey, 'RS256', claims(), { iss: 'https://evil.example/' }))).toBe('The token\'s "iss" claim is not accepted');
    expect(await rejection(await sign(rsa.privateKey, 'RS256', claims(), { exp: now() - 60 }))).toBe('The token has expired');
    expect(await rejection(await sign(rsa.privateKey, 'RS256', claims(), { nbf: now() + 600 }))).toBe('The token\'s "nbf" claim is not accepted');
    const { tenant_id: _tenant, ...withoutTenant } = claims();
    expect(await rejection(await sign(rsa.privateKey, 'RS256', withoutTenant))).toBe('The token has no valid "tenant_id" claim');
    const { sub: _sub, ...withoutSubject } = claims();
    expect(await rejection(await sign(rsa.privateKey, 'RS256', withoutSubject))).toMatch(/"sub"/);
  });

  it('tolerates small clock skew, within the configured tolerance only', async () => {
    await expect(verifier.verify(await sign(rsa.privateKey, 'RS256', claims(), { exp: now() - 2 }))).resolves.toBeDefined();
    expect(await rejection(await sign(rsa.privateKey, 'RS256', claims(), { exp: now() - 30 }))).toBe('The token has expired');
  });

  it('accepts HS256 only with a shared secret, and refuses half-done configurations', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const hmac = createJwtVerifier(settings({ secret }));
    expect(hmac?.algorithms).toEqual(['HS256']);
    await expect(hmac?.verify(await sign(new TextEncoder().encode(secret), 'HS256'))).resolves.toMatchObject({ principal: { tenantId: 'acme' } });
    expect(await rejection(await sign(rsa.privateKey, 'RS256'), hmac ?? verifier)).toBe('The token is signed with an algorithm that is not accepted');
    expect(createJwtVerifier(settings({}))).toBeNull();
    expect(() => createJwtVerifier(settings({ secret, audience: undefined }))).toThrow(/AGENTCRAFT_JWT_AUDIENCE/);
    expect(() => createJwtVerifier(settings({ secret: 'short' }))).toThrow(/32 bytes/);
  });

  it('reads nested role claims and falls back to the default roles', async () => {
    const nested = createJwtVerifier(settings({ publicKeyPem: publicPem, rolesClaim: 'realm_access.roles', tenantClaim: 'https://agentcraft.example/tenant' }));
    const token = await sign(rsa.privateKey, 'RS256', { sub: 'kc-user', 'https://agentcraft.example/tenant': 'globex', realm_access: { roles: ['admin', 'offline_access'] } });
    expect((await nested?.verify(token))?.principal).toEqual({ subject: 'kc-user', tenantId: 'globex', roles: ['admin'], method: 'jwt', customerId: null });
    const plain = await verifier.verify(await sign(rsa.privateKey, 'RS256', { sub: 'shopper', tenant_id: 'acme' }));
    expect(plain.principal).toMatchObject({ roles: ['customer'], customerId: 'shopper' });
  });
});

describe('JWT verification with an OIDC JWKS served over HTTP', () => {
  let server: http.Server;
  let jwksUrl: string;
  let es: { publicKey: CryptoKey; privateKey: CryptoKey };
  let requests = 0;

  beforeAll(async () => {
    es = await generateKeyPair('ES256', { extractable: true });
    const keys = [{ ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' }, { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }];
    server = http.createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('verifies tokens of every key in the set, and rejects unknown key ids and other signers', async () => {
    const jwks = createJwtVerifier(settings({ jwksUrl }));
    if (jwks === null) throw new Error('no verifier');
    await expect(jwks.verify(await sign(es.privateKey, 'ES256', claims(), { kid: 'es-1' }))).resolves.toMatchObject({ principal: { subject: 'user-1' } });
    await expect(jwks.verify(await sign(rsa.privateKey, 'RS256', claims(), { kid: 'rsa-1' }))).resolves.toMatchObject({ principal: { tenantId: 'acme' } });
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(await rejection(await sign(other.privateKey, 'RS256', claims(), { kid: 'rsa-1' }), jwks)).toBe('The token signature is invalid');
    expect(await rejection(await sign(other.privateKey, 'RS256', claims(), { kid: 'unknown' }), jwks)).toMatch(/No key of the issuer|not valid/);
    expect(await rejection(await sign(new TextEncoder().encode('x'.repeat(40)), 'HS256', claims(), { kid: 'es-1' }), jwks)).toBe('The token is signed with an algorithm that is not accepted');
  });
});
