/* eslint-disable no-console -- a command-line script: printing the new key is its job */
/**
 * `npm run auth:create-key -- --name <name> [--tenant default] [--roles admin,integrator] [--scopes chat,knowledge]
 * [--expires-in-days 90]`
 *
 * Creates an API key straight in the database and prints its secret once: the way to get the first admin
 * key of a deployment in `jwt` mode, where `POST /api/auth/keys` already needs an admin. Uses `DATABASE_URL`,
 * or the embedded PGlite under `AGENTCRAFT_DATA_DIR` (stop `npm start` first: PGlite allows one process).
 * The creation is audited with actor `cli`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createStore } from '../activities/persistence/kysely-store.js';
import { ApiKeyService, ScopeSchema } from '../api/auth/api-key-service.js';
import { RoleSchema } from '../domain/auth.js';
import { DEFAULT_TENANT_ID } from '../domain/constants.js';

const ArgumentsSchema = z.object({
  name: z.string().trim().min(1, '--name is required').max(200),
  tenant: z.string().trim().min(1),
  roles: z.array(RoleSchema).min(1),
  scopes: z.array(ScopeSchema),
  expiresInDays: z.number().int().positive().max(3650).nullable(),
});

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string', default: '' },
      tenant: { type: 'string', default: DEFAULT_TENANT_ID },
      roles: { type: 'string', default: 'admin' },
      scopes: { type: 'string', default: '' },
      'expires-in-days': { type: 'string' },
    },
  });
  const parsed = ArgumentsSchema.safeParse({
    name: values.name,
    tenant: values.tenant,
    roles: list(values.roles),
    scopes: list(values.scopes),
    expiresInDays: values['expires-in-days'] === undefined ? null : Number(values['expires-in-days']),
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`).join('; '));
  const input = parsed.data;
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const store = createStore(databaseUrl === undefined ? { pgliteDirectory: path.join(process.env.AGENTCRAFT_DATA_DIR ?? './data', 'pglite') } : { databaseUrl });
  try {
    await store.migrate();
    const expiresAt = input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000).toISOString();
    const created = await new ApiKeyService(store.security()).create({ tenantId: input.tenant, name: input.name, roles: input.roles, scopes: input.scopes, expiresAt, createdBy: 'cli' });
    await store.appendAudit({ tenantId: input.tenant, actor: 'cli', action: 'api-key.create', subjectType: 'api-key', subjectId: created.key.id, details: { name: input.name, roles: input.roles, scopes: input.scopes, expiresAt } });
    console.log(`created API key ${created.key.id} (${created.key.roles.join(', ')}) for tenant ${input.tenant}; store the secret now, it is not shown again:`);
    console.log(created.secret);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
