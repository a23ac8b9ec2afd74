/**
 * Encryption of Temporal payloads (AES-256-GCM) so conversation text never reaches workflow history in
 * the clear. Each encrypted payload names the key that sealed it, so old histories still decrypt after a
 * new key becomes primary. Used by the worker, every client and the API's codec server; never by
 * workflow code (it needs `node:crypto`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
// CommonJS package: Node's ESM loader only sees its default export (named imports work under vitest, not node).
import proto from '@temporalio/proto';

const { temporal } = proto;

/** Metadata `encoding` of an encrypted payload (the same name as Temporal's samples and other SDKs). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key id that encrypted a payload. */
export const ENCRYPTION_KEY_ID_KEY = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Bytes a sealed message adds to its plaintext: the IV before it and the GCM tag after it. */
export const SEALED_OVERHEAD_BYTES = IV_BYTES + TAG_BYTES;

/** AES-256-GCM with a random IV: `iv | ciphertext | tag`. */
export function sealBytes(key: Buffer, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
}

/** The plaintext of {@link sealBytes}' output; throws when the key is wrong or the data was altered. */
export function openBytes(key: Buffer, data: Uint8Array): Buffer {
  const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
}

/** One AES-256 key and the id written beside the payloads it encrypts. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

/**
 * Parses `keyId:base64key,keyId:base64key` (each key 32 bytes); the first is the primary, used to encrypt.
 * Throws a readable error that never echoes key material.
 */
export function parseCodecKeys(text: string): CodecKey[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('expected at least one keyId:base64key');
  const keys = entries.map((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? '' : entry.slice(0, separator).trim();
    if (id === '') throw new Error(`entry ${index + 1} must look like keyId:base64key`);
    const encoded = entry.slice(separator + 1).trim();
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES) {
      throw new Error(`key "${id}" must be ${KEY_BYTES} bytes in base64 (for example \`openssl rand -base64 32\`)`);
    }
    return { id, key };
  });
  const ids = new Set(keys.map((key) => key.id));
  if (ids.size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}

/** Thrown when a payload cannot be decrypted (unknown key id, tampered or truncated data). */
export class PayloadDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadDecryptionError';
  }
}

/** AES-256-GCM payload codec with key ids; unencrypted payloads pass through `decode` unchanged. */
export class EncryptionCodec implements PayloadCodec {
  private readonly primary: CodecKey;
  private readonly keysById: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly CodecKey[]) {
    const [primary] = keys;
    if (primary === undefined) throw new Error('EncryptionCodec needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`key "${id}" must be ${KEY_BYTES} bytes`);
    }
    this.primary = primary;
    this.keysById = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** Id of the key new payloads are encrypted with. */
  get primaryKeyId(): string {
    return this.primary.id;
  }

  // Synchronous work; the executor turns a throw into a rejection, as callers of a codec expect.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.encrypt(payload))));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.decrypt(payload))));
  }

  private encrypt(payload: Payload): Payload {
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: textEncoder.encode(ENCRYPTED_ENCODING),
        [ENCRYPTION_KEY_ID_KEY]: textEncoder.encode(this.primary.id),
      },
      data: sealBytes(this.primary.key, temporal.api.common.v1.Payload.encode(payload).finish()),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (encoding === undefined || encoding === null || textDecoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyIdBytes = payload.metadata?.[ENCRYPTION_KEY_ID_KEY];
    if (keyIdBytes === undefined || keyIdBytes === null) throw new PayloadDecryptionError(`Encrypted payload has no ${ENCRYPTION_KEY_ID_KEY} metadata`);
    const keyId = textDecoder.decode(keyIdBytes);
    const key = this.keysById.get(keyId);
    if (key === undefined) throw new PayloadDecryptionError(`Unknown encryption key id "${keyId}": add it to AGENTCRAFT_CODEC_KEYS`);
    const data = payload.data ?? new Uint8Array();
    if (data.length < SEALED_OVERHEAD_BYTES) throw new PayloadDecryptionError(`Encrypted payload (key "${keyId}") is too short`);
    try {
      return temporal.api.common.v1.Payload.decode(openBytes(key, data));
    } catch (error) {
      throw new PayloadDecryptionError(`Encrypted payload (key "${keyId}") failed authentication: wrong key or tampered data`, { cause: error });
    }
  }
}

/** The data converter for clients and workers: `undefined` (Temporal's default) when no keys are configured. */
export function encryptionDataConverter(keys: readonly CodecKey[]): DataConverter | undefined {
  return keys.length === 0 ? undefined : { payloadCodecs: [new EncryptionCodec(keys)] };
}
