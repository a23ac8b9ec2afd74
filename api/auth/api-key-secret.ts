/**
 * API key strings: `ack_<keyId>_<secret>`, where `keyId` (16 hex characters) is public and looks the key
 * up, and `secret` is 256 random bits in base64url.
 *
 * Only SHA-256 of the secret is stored. A slow password hash (scrypt, argon2) exists to make guessing a
 * low-entropy password expensive; a uniformly random 256-bit secret cannot be guessed, so a fast hash is
 * just as safe against a leaked table — and it keeps each authenticated request cheap, where a deliberately
 * slow hash per request would hand attackers a CPU-exhaustion lever.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'ack_';
const KEY_ID = /^[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  id: string;
  /** The whole key string, shown to its creator once. */
  token: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${API_KEY_PREFIX}${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** The public part shown in listings (`ack_<keyId>`). */
export function apiKeyPrefix(id: string): string {
  return `${API_KEY_PREFIX}${id}`;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** Splits a key string; null when it is malformed. */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  if (!looksLikeApiKey(token)) return null;
  const rest = token.slice(API_KEY_PREFIX.length);
  const separator = rest.indexOf('_');
  if (separator < 0) return null;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  return KEY_ID.test(id) && SECRET.test(secret) ? { id, secret } : null;
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
