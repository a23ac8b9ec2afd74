import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loadConfiguration } from './config.js';
import { ENCRYPTED_ENCODING, ENCRYPTION_KEY_ID_KEY, EncryptionCodec, PayloadDecryptionError, encryptionDataConverter, parseCodecKeys, type CodecKey } from './payload-codec.js';

const keyA: CodecKey = { id: 'key-a', key: randomBytes(32) };
const keyB: CodecKey = { id: 'key-b', key: randomBytes(32) };
const secret = 'My IBAN is DE89 3704 0044 0532 0130 00';
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

async function encryptOne(codec: EncryptionCodec, value: unknown): Promise<Payload> {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  if (encrypted === undefined) throw new Error('no payload');
  return encrypted;
}

describe('EncryptionCodec', () => {
  it('round-trips payloads, hiding the plaintext and naming the key', async () => {
    const codec = new EncryptionCodec([keyA]);
    const original = defaultPayloadConverter.toPayload({ message: secret });
    const [encrypted] = await codec.encode([original]);
    expect(text(encrypted?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted?.metadata?.[ENCRYPTION_KEY_ID_KEY])).toBe('key-a');
    expect(Buffer.from(encrypted?.data ?? []).includes(Buffer.from('IBAN'))).toBe(false);
    const [decrypted] = await codec.decode([encrypted ?? {}]);
    expect(defaultPayloadConverter.fromPayload(decrypted ?? {})).toEqual({ message: secret });
    expect(text(decrypted?.metadata?.encoding)).toBe('json/plain');
  });

  it('uses a fresh IV each time (equal plaintexts give different ciphertexts)', async () => {
    const codec = new EncryptionCodec([keyA]);
    const [first, second] = await Promise.all([encryptOne(codec, 'same'), encryptOne(codec, 'same')]);
    expect(Buffer.from(first.data ?? []).equals(Buffer.from(second.data ?? []))).toBe(false);
  });

  it('still decrypts payloads of a retired primary key after rotation, and encrypts with the new one', async () => {
    const before = await encryptOne(new EncryptionCodec([keyA]), secret);
    const rotated = new EncryptionCodec([keyB, keyA]);
    const [decrypted] = await rotated.decode([before]);
    expect(defaultPayloadConverter.fromPayload(decrypted ?? {})).toBe(secret);
    const after = await encryptOne(rotated, secret);
    expect(text(after.metadata?.[ENCRYPTION_KEY_ID_KEY])).toBe('key-b');
  });

  it('rejects tampered ciphertext, a truncated payload and an unknown key id', async () => {
    const codec = new EncryptionCodec([keyA]);
    const encrypted = await encryptOne(codec, secret);
    const tampered = Buffer.from(encrypted.data ?? []);
    tampered[20] = (tampered[20] ?? 0) ^ 0x01;
    await expect(codec.decode([{ ...encrypted, data: tampered }])).rejects.toThrow(new PayloadDecryptionError('Encrypted payload (key "key-a") failed authentication: wrong key or tampered data'));
    await expect(codec.decode([{ ...encrypted, data: tampered.subarray(0, 10) }])).rejects.toThrow(/too short/);
    await expect(new EncryptionCodec([keyB]).decode([encrypted])).rejects.toThrow(new PayloadDecryptionError('Unknown encryption key id "key-a": add it to AGENTCRAFT_CODEC_KEYS'));
    // Same id, different key material: authentication fails rather than yielding garbage.
    await expect(new EncryptionCodec([{ id: 'key-a', key: keyB.key }]).decode([encrypted])).rejects.toThrow(/failed authentication/);
  });

  it('passes unencrypted payloads (histories from before encryption) through decode unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload({ message: 'recorded before encryption' });
    const [decoded] = await new EncryptionCodec([keyA]).decode([plain]);
    expect(decoded).toBe(plain);
  });
});

describe('codec keys configuration', () => {
  const encoded = (key: CodecKey) => `${key.id}:${key.key.toString('base64')}`;

  it('parses comma-separated keyId:base64key, the first being primary', () => {
    const keys = parseCodecKeys(` ${encoded(keyB)} , ${encoded(keyA)} `);
    expect(keys.map((key) => key.id)).toEqual(['key-b', 'key-a']);
    expect(keys[1]?.key.equals(keyA.key)).toBe(true);
    expect(loadConfiguration({ AGENTCRAFT_CODEC_KEYS: encoded(keyA) }).codec).toMatchObject({ keys: [{ id: 'key-a' }], corsOrigins: ['http://localhost:8233'] });
  });

  it('has no shared codec token any more: the endpoint takes the operator role', () => {
    const codec = loadConfiguration({ AGENTCRAFT_CODEC_KEYS: encoded(keyA), AGENTCRAFT_CODEC_AUTH_TOKEN: 'old-shared-token' }).codec;
    expect(Object.keys(codec).sort()).toEqual(['corsOrigins', 'keys']);
  });

  it('means no encryption when unset', () => {
    const configuration = loadConfiguration({});
    expect(configuration.codec.keys).toEqual([]);
    expect(encryptionDataConverter(configuration.codec.keys)).toBeUndefined();
  });

  it('fails at start with a readable error that does not echo key material', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => loadConfiguration({ AGENTCRAFT_CODEC_KEYS: `old:${short}` })).toThrow(
      'Invalid configuration: AGENTCRAFT_CODEC_KEYS: key "old" must be 32 bytes in base64 (for example `openssl rand -base64 32`)',
    );
    expect(() => loadConfiguration({ AGENTCRAFT_CODEC_KEYS: keyA.key.toString('base64') })).toThrow('AGENTCRAFT_CODEC_KEYS: entry 1 must look like keyId:base64key');
    expect(() => parseCodecKeys(`${encoded(keyA)},${encoded(keyA)}`)).toThrow('key ids must be unique');
    expect(() => parseCodecKeys('a:not base64!')).toThrow(/key "a" must be 32 bytes/);
  });
});
