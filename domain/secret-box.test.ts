import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfiguration } from './config.js';
import { SecretBox, SecretDecryptionError } from './secret-box.js';

const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };
const secret = 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==';

describe('SecretBox', () => {
  it('seals with the primary key, never in the clear, and opens what it sealed', () => {
    const box = new SecretBox([keyA]);
    const sealed = box.seal(secret);
    expect(sealed.startsWith('acsec:v1:key-a:')).toBe(true);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
    // A fresh IV each time: the same secret never seals to the same text.
    expect(box.seal(secret)).not.toBe(sealed);
    expect(box.open(sealed)).toBe(secret);
    expect(SecretBox.isSealed(sealed)).toBe(true);
  });

  it('without keys stores secrets as given, and reads values without the prefix as they are', () => {
    const box = new SecretBox();
    expect(box.encrypts).toBe(false);
    expect(box.seal(secret)).toBe(secret);
    expect(box.open(secret)).toBe(secret);
    expect(box.needsReseal(secret)).toBe(false);
    expect(new SecretBox([keyA]).open(secret)).toBe(secret);
  });

  it('rotates: a new primary key opens values sealed under the old one and asks for them to be re-sealed', () => {
    const old = new SecretBox([keyA]).seal(secret);
    const rotated = new SecretBox([keyB, keyA]);
    expect(rotated.open(old)).toBe(secret);
    expect(rotated.needsReseal(old)).toBe(true);
    expect(rotated.needsReseal(secret)).toBe(true);
    const resealed = rotated.seal(rotated.open(old));
    expect(resealed.startsWith('acsec:v1:key-b:')).toBe(true);
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(new SecretBox([keyB]).open(resealed)).toBe(secret);
  });

  it('refuses, with a message naming the key and the setting, a value under a key it lacks', () => {
    const sealed = new SecretBox([keyA]).seal(secret);
    for (const box of [new SecretBox(), new SecretBox([keyB])]) {
      expect(() => box.open(sealed)).toThrow(new SecretDecryptionError('A stored secret was sealed with key "key-a", which is not configured: add it to AGENTCRAFT_SECRET_KEYS'));
    }
  });

  it('detects altered or truncated values and the wrong key under the same id', () => {
    const box = new SecretBox([keyA]);
    const sealed = box.seal(secret);
    const data = Buffer.from(sealed.slice('acsec:v1:key-a:'.length), 'base64');
    data[14] = (data[14] ?? 0) ^ 0xff;
    expect(() => box.open(`acsec:v1:key-a:${data.toString('base64')}`)).toThrow(/failed authentication/);
    expect(() => box.open('acsec:v1:key-a:AAAA')).toThrow(/truncated/);
    expect(() => new SecretBox([{ id: 'key-a', key: randomBytes(32) }]).open(sealed)).toThrow(/failed authentication: wrong key or altered data/);
  });

  it('takes its keys from AGENTCRAFT_SECRET_KEYS, whose errors never echo key material', () => {
    expect(loadConfiguration({}).secretKeys).toEqual([]);
    const keys = loadConfiguration({ AGENTCRAFT_SECRET_KEYS: `key-b:${keyB.key.toString('base64')}, key-a:${keyA.key.toString('base64')}` }).secretKeys;
    expect(keys.map((key) => key.id)).toEqual(['key-b', 'key-a']);
    expect(new SecretBox(keys).seal(secret).startsWith('acsec:v1:key-b:')).toBe(true);
    expect(() => loadConfiguration({ AGENTCRAFT_SECRET_KEYS: 'key-c:c2hvcnQ=' })).toThrow(
      'Invalid configuration: AGENTCRAFT_SECRET_KEYS: key "key-c" must be 32 bytes in base64 (for example `openssl rand -base64 32`)',
    );
  });
});
