/**
 * API keys for integrators: creation (the secret is returned once, only its hash is stored), rotation with
 * a grace period for the old key, revocation, authentication, and last use — written at most once a minute
 * per key and process, so a busy integrator does not turn every request into a database write.
 */
import { z } from 'zod';
import type { ApiKeyRecord, SecurityStore } from '../../activities/persistence/security-queries.js';
import { RoleSchema, type Principal, type Role } from '../../domain/auth.js';
import { apiKeyPrefix, generateApiKey, parseApiKey, secretMatches } from './api-key-secret.js';
import { InvalidCredentialsError } from './jwt-verifier.js';

/** What a key may be limited to beyond its roles; an empty list means "everything its roles allow". */
export const Scope = {
  chat: 'chat',
  conversationsRead: 'conversations:read',
  conversationsWrite: 'conversations:write',
  escalations: 'escalations',
  agents: 'agents',
  analytics: 'analytics',
  knowledge: 'knowledge',
  admin: 'admin',
  codec: 'codec',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];
export const ScopeSchema = z.enum(Object.values(Scope) as [Scope, ...Scope[]]);

/** An API key as the admin API shows it: never the secret nor its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedFromId: string | null;
}

export function toApiKeyView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    prefix: apiKeyPrefix(record.id),
    roles: record.roles.filter((role): role is Role => RoleSchema.safeParse(role).success),
    scopes: record.scopes,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
    rotatedFromId: record.rotatedFromId,
  };
}

export interface CreateApiKeyInput {
  tenantId: string;
  name: string;
  roles: Role[];
  scopes: string[];
  expiresAt: string | null;
  createdBy: string;
}

const LAST_USE_WRITE_INTERVAL_MS = 60_000;

export class ApiKeyService {
  private readonly lastUseWrites = new Map<string, number>();

  constructor(
    private readonly store: SecurityStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateApiKeyInput): Promise<{ key: ApiKeyView; secret: string }> {
    const generated = generateApiKey();
    const record = await this.store.insertApiKey({ id: generated.id, secretHash: generated.secretHash, rotatedFromId: null, ...input });
    return { key: toApiKeyView(record), secret: generated.token };
  }

  /** A new key with the old one's name, roles, scopes and expiry; the old key ends after `graceSeconds`. Null: no such live key. */
  async rotate(input: { tenantId: string; id: string; graceSeconds: number; rotatedBy: string }): Promise<{ key: ApiKeyView; secret: string; graceUntil: string } | null> {
    const old = await this.store.getApiKey(input.id);
    if (old === null || old.tenantId !== input.tenantId) return null;
    const generated = generateApiKey();
    const graceUntil = new Date(this.now() + input.graceSeconds * 1000).toISOString();
    const record = await this.store.rotateApiKey({
      tenantId: input.tenantId,
      oldId: input.id,
      graceUntil,
      newKey: { id: generated.id, secretHash: generated.secretHash, tenantId: old.tenantId, name: old.name, roles: old.roles, scopes: old.scopes, expiresAt: old.expiresAt, createdBy: input.rotatedBy, rotatedFromId: old.id },
    });
    return record === null ? null : { key: toApiKeyView(record), secret: generated.token, graceUntil };
  }

  revoke(input: { tenantId: string; id: string }): Promise<boolean> {
    return this.store.revokeApiKey(input);
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    return (await this.store.listApiKeys(tenantId)).map(toApiKeyView);
  }

  /** The key's principal; throws `InvalidCredentialsError` for a malformed, unknown, wrong, revoked or expired key. */
  async authenticate(token: string): Promise<{ principal: Principal; expiresAt: number | null }> {
    const parsed = parseApiKey(token);
    if (parsed === null) throw new InvalidCredentialsError('The API key is malformed');
    const record = await this.store.getApiKey(parsed.id);
    // One message for unknown and wrong keys: the answer must not tell which key ids exist.
    if (record === null || !secretMatches(parsed.secret, record.secretHash)) throw new InvalidCredentialsError('The API key is not valid');
    if (record.revokedAt !== null) throw new InvalidCredentialsError('The API key has been revoked');
    const expiresAt = record.expiresAt === null ? null : Date.parse(record.expiresAt);
    if (expiresAt !== null && expiresAt <= this.now()) throw new InvalidCredentialsError('The API key has expired');
    this.recordUse(record.id);
    const view = toApiKeyView(record);
    return {
      principal: { subject: `api-key:${record.id}`, tenantId: record.tenantId, roles: view.roles, method: 'api-key', scopes: record.scopes, customerId: null },
      expiresAt,
    };
  }

  /** Last use, throttled; a failed write is not worth failing the request for. */
  private recordUse(id: string): void {
    const now = this.now();
    const last = this.lastUseWrites.get(id);
    if (last !== undefined && now - last < LAST_USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrites.set(id, now);
    if (this.lastUseWrites.size > 10_000) this.lastUseWrites.clear();
    this.store.touchApiKey(id, new Date(now).toISOString()).catch(() => this.lastUseWrites.delete(id));
  }
}
