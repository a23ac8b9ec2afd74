/**
 * Customer JWTs for the browser suite, signed HS256 with the secret the e2e stack is started with — what
 * an integrator's backend mints for its signed-in visitor.
 */
import { createHmac } from 'node:crypto';

export const JWT_ISSUER = 'https://shop.e2e.example';
export const JWT_AUDIENCE = 'agentcraft-e2e';

export interface CustomerTokenOptions {
  subject: string;
  /** Seconds from now; negative for a token that has already expired. */
  expiresInSeconds: number;
  roles?: string[];
  tenantId?: string;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function mintCustomerToken(secret: string, options: CustomerTokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: 'HS256', typ: 'JWT' });
  const payload = base64url({
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    sub: options.subject,
    iat: Math.min(now, now + options.expiresInSeconds - 60),
    exp: now + options.expiresInSeconds,
    tenant_id: options.tenantId ?? 'default',
    roles: options.roles ?? ['customer'],
    customer_id: options.subject,
  });
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
