/**
 * Encryption at rest of the secrets the database must give back (webhook signing secrets: HMAC needs the
 * secret itself, so it cannot be hashed like an API key). Keys come from `AGENTCRAFT_SECRET_KEYS`
 * (`keyId:base64key,…`, the first encrypts, all decrypt), so a key can be rotated: add the new one first, restart,
 * and every stored secret is re-sealed with it at start-up (`WebhookStore.resealSecrets`).
 *
 * A sealed secret is `acsec:v1:<keyId>:<base64 of iv|ciphertext|tag>` (AES-256-GCM, the same primitive as the
 * payload codec). Without keys, secrets are stored as given; a stored value without the prefix is read as it is,
 * which is how rows written before keys were configured keep working until they are re-sealed.
 */
import { openBytes, SEALED_OVERHEAD_BYTES, sealBytes, type CodecKey } from './payload-codec.js';

const PREFIX = 'acsec:v1:';

/** A stored secret could not be opened: its key is not configured, or the value was altered. */
export class SecretDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretDecryptionError';
  }
}

export class SecretBox {
  readonly #primary: CodecKey | undefined;
  readonly #keysById: ReadonlyMap<string, Buffer>;

  /** `keys`: the first seals, all open; none: secrets are stored in the clear. */
  constructor(keys: readonly CodecKey[] = []) {
    this.#primary = keys[0];
    this.#keysById = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** True when `stored` is a sealed value (under any key). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  /** True when secrets are sealed (keys are configured). */
  get encrypts(): boolean {
    return this.#primary !== undefined;
  }

  /** The value to store for `secret`: sealed with the primary key, or the secret itself without keys. */
  seal(secret: string): string {
    if (this.#primary === undefined) return secret;
    return `${PREFIX}${this.#primary.id}:${sealBytes(this.#primary.key, Buffer.from(secret, 'utf8')).toString('base64')}`;
  }

  /** The secret a stored value holds; throws {@link SecretDecryptionError} (never echoing key material). */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const rest = stored.slice(PREFIX.length);
    const separator = rest.indexOf(':');
    const keyId = separator < 0 ? '' : rest.slice(0, separator);
    const key = this.#keysById.get(keyId);
    if (key === undefined) throw new SecretDecryptionError(`A stored secret was sealed with key "${keyId}", which is not configured: add it to AGENTCRAFT_SECRET_KEYS`);
    const data = Buffer.from(rest.slice(separator + 1), 'base64');
    if (data.length < SEALED_OVERHEAD_BYTES) throw new SecretDecryptionError(`A stored secret (key "${keyId}") is truncated`);
    try {
      return openBytes(key, data).toString('utf8');
    } catch (error) {
      throw new SecretDecryptionError(`A stored secret (key "${keyId}") failed authentication: wrong key or altered data`, { cause: error });
    }
  }

  /** True when `stored` should be sealed again: keys are configured and it is in the clear or under another key. */
  needsReseal(stored: string): boolean {
    if (this.#primary === undefined) return false;
    return !stored.startsWith(`${PREFIX}${this.#primary.id}:`);
  }
}
