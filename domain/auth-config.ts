/**
 * Authentication, rate-limit, CORS and per-tenant budget settings, read from the environment with zod.
 * Part of `loadConfiguration()` (as `auth`, `rateLimits`, `corsOrigins`, `tenantBudgets`); kept apart so
 * `config.ts` stays readable. Not for workflow code (it reads `process.env`).
 */
import { z } from 'zod';
import { Role, RoleSchema } from './auth.js';

/** `development`: requests without credentials act as an all-roles dev user (loudly marked); `jwt`: credentials required. */
export const AuthMode = { development: 'development', jwt: 'jwt' } as const;
export type AuthMode = (typeof AuthMode)[keyof typeof AuthMode];

/** Algorithms a JWT may be signed with. `none` is never accepted, whatever is configured. */
export const JwtAlgorithmSchema = z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512']);
export type JwtAlgorithm = z.infer<typeof JwtAlgorithmSchema>;

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(/[\s,]+/).map((item) => item.trim()).filter((item) => item !== ''));
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const budgetLimitsSchema = z.strictObject({
  turnUsd: z.number().positive().optional(),
  conversationUsd: z.number().positive().optional(),
  tenantDayUsd: z.number().positive().optional(),
});

const authEnvironmentSchema = z.object({
  /** Unset: the entry point decides (`npm start`: development; `npm run api`: jwt). */
  AGENTCRAFT_AUTH_MODE: z.enum([AuthMode.development, AuthMode.jwt]).optional(),
  AGENTCRAFT_JWT_ISSUER: optionalString,
  AGENTCRAFT_JWT_AUDIENCE: optionalString,
  AGENTCRAFT_JWT_ALGORITHMS: optionalString.transform((value) => value?.split(',').map((item) => item.trim()).filter((item) => item !== '')),
  AGENTCRAFT_JWT_PUBLIC_KEY: optionalString,
  AGENTCRAFT_JWT_SECRET: optionalString,
  AGENTCRAFT_JWT_JWKS_URL: optionalString.pipe(z.url().optional()),
  AGENTCRAFT_JWT_TENANT_CLAIM: z.string().default('tenant_id'),
  AGENTCRAFT_JWT_ROLES_CLAIM: z.string().default('roles'),
  AGENTCRAFT_JWT_CUSTOMER_CLAIM: z.string().default('customer_id'),
  AGENTCRAFT_JWT_DEFAULT_ROLES: list(Role.customer).pipe(z.array(RoleSchema)),
  AGENTCRAFT_JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  AGENTCRAFT_RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  AGENTCRAFT_RATE_LIMIT_PER_PRINCIPAL: positiveInt(300),
  AGENTCRAFT_RATE_LIMIT_PER_IP: positiveInt(600),
  AGENTCRAFT_RATE_LIMIT_ENABLED: z.enum(['true', 'false', '1', '0']).default('true').transform((value) => value === 'true' || value === '1'),
  AGENTCRAFT_MAX_PENDING_TURNS: positiveInt(5),
  AGENTCRAFT_TRUST_PROXY: optionalString,
  AGENTCRAFT_CORS_ORIGINS: list(''),
  AGENTCRAFT_TENANT_BUDGETS: optionalString,
});

/** Reads the security settings; throws one readable error listing every bad variable. */
export function loadAuthConfiguration(environment: NodeJS.ProcessEnv) {
  const parsed = authEnvironmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const values = parsed.data;
  const algorithms = values.AGENTCRAFT_JWT_ALGORITHMS === undefined ? undefined : z.array(JwtAlgorithmSchema).min(1).parse(values.AGENTCRAFT_JWT_ALGORITHMS);
  return {
    auth: {
      mode: values.AGENTCRAFT_AUTH_MODE,
      jwt: {
        issuer: values.AGENTCRAFT_JWT_ISSUER,
        audience: values.AGENTCRAFT_JWT_AUDIENCE,
        /** Unset: RS256, ES256 and EdDSA for a public key or JWKS; HS256 for a shared secret. */
        algorithms,
        publicKeyPem: values.AGENTCRAFT_JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
        secret: values.AGENTCRAFT_JWT_SECRET,
        jwksUrl: values.AGENTCRAFT_JWT_JWKS_URL,
        tenantClaim: values.AGENTCRAFT_JWT_TENANT_CLAIM,
        rolesClaim: values.AGENTCRAFT_JWT_ROLES_CLAIM,
        customerClaim: values.AGENTCRAFT_JWT_CUSTOMER_CLAIM,
        defaultRoles: values.AGENTCRAFT_JWT_DEFAULT_ROLES,
        clockToleranceSeconds: values.AGENTCRAFT_JWT_CLOCK_TOLERANCE_SECONDS,
      },
    },
    rateLimits: {
      enabled: values.AGENTCRAFT_RATE_LIMIT_ENABLED,
      windowSeconds: values.AGENTCRAFT_RATE_LIMIT_WINDOW_SECONDS,
      perPrincipal: values.AGENTCRAFT_RATE_LIMIT_PER_PRINCIPAL,
      perIp: values.AGENTCRAFT_RATE_LIMIT_PER_IP,
      /** Turns of one conversation that may be running or queued; one more message answers 429. */
      maxPendingTurns: values.AGENTCRAFT_MAX_PENDING_TURNS,
    },
    /** Express `trust proxy` (e.g. `loopback`, `1`): which `X-Forwarded-For` hops are believed for the client IP. */
    trustProxy: values.AGENTCRAFT_TRUST_PROXY,
    /** Browser origins allowed to call `/api` (CORS); empty: same-origin only. */
    corsOrigins: values.AGENTCRAFT_CORS_ORIGINS,
    /** Per-tenant LLM budgets over the global ones: `{"acme":{"tenantDayUsd":5}}`. */
    tenantBudgets: parseTenantBudgets(values.AGENTCRAFT_TENANT_BUDGETS),
  };
}

export type AuthConfiguration = ReturnType<typeof loadAuthConfiguration>['auth'];
export type RateLimitConfiguration = ReturnType<typeof loadAuthConfiguration>['rateLimits'];

function parseTenantBudgets(text: string | undefined): Record<string, z.infer<typeof budgetLimitsSchema>> {
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('Invalid configuration: AGENTCRAFT_TENANT_BUDGETS: not valid JSON');
  }
  const parsed = z.record(z.string().min(1), budgetLimitsSchema).safeParse(json);
  if (!parsed.success) throw new Error(`Invalid configuration: AGENTCRAFT_TENANT_BUDGETS: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
