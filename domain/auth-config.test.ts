/** The security settings read from the environment: defaults, per-tenant budgets, and readable errors. */
import { describe, expect, it } from 'vitest';
import { loadAuthConfiguration } from './auth-config.js';
import { loadConfiguration } from './config.js';

describe('security configuration', () => {
  it('defaults to no mode (the entry point decides), standard claims, rate limits on, no CORS origins', () => {
    const configuration = loadConfiguration({});
    expect(configuration.auth.mode).toBeUndefined();
    expect(configuration.auth.jwt).toMatchObject({ tenantClaim: 'tenant_id', rolesClaim: 'roles', customerClaim: 'customer_id', defaultRoles: ['customer'], clockToleranceSeconds: 30 });
    expect(configuration.rateLimits).toEqual({ enabled: true, windowSeconds: 60, perPrincipal: 300, perIp: 600, maxPendingTurns: 5 });
    expect(configuration.corsOrigins).toEqual([]);
    expect(configuration.tenantBudgets).toEqual({});
  });

  it('reads per-tenant LLM budgets, algorithms and origins', () => {
    const configuration = loadAuthConfiguration({
      AGENTCRAFT_AUTH_MODE: 'jwt',
      AGENTCRAFT_TENANT_BUDGETS: '{"acme":{"tenantDayUsd":5},"globex":{"turnUsd":0.05,"conversationUsd":1}}',
      AGENTCRAFT_JWT_ALGORITHMS: 'ES256, EdDSA',
      AGENTCRAFT_CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
    });
    expect(configuration.tenantBudgets).toEqual({ acme: { tenantDayUsd: 5 }, globex: { turnUsd: 0.05, conversationUsd: 1 } });
    expect(configuration.auth).toMatchObject({ mode: 'jwt', jwt: { algorithms: ['ES256', 'EdDSA'] } });
    expect(configuration.corsOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });

  it('refuses bad values with a readable error', () => {
    expect(() => loadAuthConfiguration({ AGENTCRAFT_TENANT_BUDGETS: '{acme' })).toThrow('AGENTCRAFT_TENANT_BUDGETS: not valid JSON');
    expect(() => loadAuthConfiguration({ AGENTCRAFT_TENANT_BUDGETS: '{"acme":{"tenantDayUsd":-1}}' })).toThrow(/AGENTCRAFT_TENANT_BUDGETS: acme\.tenantDayUsd/);
    expect(() => loadAuthConfiguration({ AGENTCRAFT_AUTH_MODE: 'none' })).toThrow(/AGENTCRAFT_AUTH_MODE/);
    expect(() => loadAuthConfiguration({ AGENTCRAFT_JWT_ALGORITHMS: 'none' })).toThrow();
  });
});
