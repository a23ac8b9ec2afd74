/**
 * Per-tenant QA policies from a JSON file (`AGENTCRAFT_QA_POLICY_PATH`): `{ "tenants": { "<tenantId>": overrides } }`,
 * each overrides object as in `policy-schema.ts`. Validated at worker start, so a broken file stops the worker
 * with a readable error instead of failing turns.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadQaPolicy, QaPolicyOverridesSchema, type QaPolicyOverrides } from './policy-schema.js';

const TenantPoliciesFileSchema = z.strictObject({ tenants: z.record(z.string().min(1), QaPolicyOverridesSchema) });

export function parseTenantQaPolicies(json: unknown, source = 'the QA policy file'): Record<string, QaPolicyOverrides> {
  const parsed = TenantPoliciesFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`Invalid ${source}: ${problems}`);
  }
  // Each tenant's overrides must also merge into a valid policy (rules, thresholds).
  for (const [tenantId, overrides] of Object.entries(parsed.data.tenants)) {
    try {
      loadQaPolicy(overrides);
    } catch (error) {
      throw new Error(`Invalid ${source}: tenant "${tenantId}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return parsed.data.tenants;
}

export function loadTenantQaPolicies(filePath: string | undefined): Record<string, QaPolicyOverrides> {
  if (filePath === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(filePath, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`Cannot read the QA policy file ${filePath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parseTenantQaPolicies(json, `QA policy file ${filePath}`);
}
