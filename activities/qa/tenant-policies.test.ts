import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTenantQaPolicies, parseTenantQaPolicies } from './tenant-policies.js';

describe('per-tenant QA policies', () => {
  it('loads overrides per tenant from a file, and nothing without one', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-qa-policy-'));
    const file = path.join(directory, 'policies.json');
    await writeFile(file, JSON.stringify({ tenants: { clinic: { pii: { email: 'block', phone: 'escalate' } } } }));
    expect(loadTenantQaPolicies(file)).toEqual({ clinic: { pii: { email: 'block', phone: 'escalate' } } });
    expect(loadTenantQaPolicies(undefined)).toEqual({});
  });

  it('refuses a broken file with a message that names the problem', () => {
    expect(() => parseTenantQaPolicies({ tenants: { clinic: { pii: { email: 'shred' } } } })).toThrow(/tenants\.clinic\.pii\.email/);
    expect(() => parseTenantQaPolicies({ clinic: {} })).toThrow(/Invalid the QA policy file/);
    expect(() => loadTenantQaPolicies('/nonexistent/policies.json')).toThrow(/Cannot read the QA policy file/);
  });
});
