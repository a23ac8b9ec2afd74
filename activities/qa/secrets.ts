/**
 * Secrets: API keys with well-known prefixes, JWTs, private-key blocks, `password=`-style assignments and
 * other high-entropy tokens. A secret in an answer, a log line or a trace is always a leak.
 */
import type { PiiMatch } from './pii-detectors.js';

/** Known key formats: `kind` names the issuer so a reviewer knows which key to rotate. */
const KEY_PATTERNS: { kind: string; pattern: RegExp }[] = [
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'sendgrid-key', pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'url-credentials', pattern: /(?<=\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]{3,}(?=@)/gi },
];

/** `password: hunter2`, `api_key="…"`, `Authorization: Bearer …`: the value after the name is the secret. */
const ASSIGNMENT = /\b(?:password|passwd|pwd|passphrase|secret|client[_-]?secret|api[_-]?key|access[_-]?token|auth[_-]?token|bearer)\b["']?\s*(?<separator>[:=]|\bis\b)?\s*(?:bearer\s+)?["']?(?<value>[^\s"',;]{6,})/gi;
/** Candidate opaque tokens for the entropy test. */
const TOKEN = /(?<![\w/+=.-])[A-Za-z0-9_+/=-]{24,}(?![\w/+=-])/g;

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

/**
 * A random-looking token: upper case, lower case and digits mixed, high entropy, not a plain hex digest
 * (commit hashes and checksums are not secrets) and not a word made of letters only.
 */
export function looksLikeRandomToken(value: string): boolean {
  if (/^[0-9a-f]+$/i.test(value) || /^[A-Za-z_-]+$/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((pattern) => pattern.test(value)).length;
  return classes === 3 && shannonEntropy(value) >= 4.2;
}

function assignmentSecrets(text: string): PiiMatch[] {
  return [...text.matchAll(ASSIGNMENT)]
    .filter((match) => {
      const value = match.groups?.value ?? '';
      const explicit = match.groups?.separator === ':' || match.groups?.separator === '=';
      // "password is Tr0ub4dor&3" is a secret; "reset your password immediately" is not.
      return (explicit && !/^(?:required|optional|null|undefined|none|\*+|<[^>]*>|\{[^}]*\})$/i.test(value)) || (/\d/.test(value) && /[A-Za-z]/.test(value));
    })
    .map((match) => {
      const value = match.groups?.value ?? '';
      const start = match.index + match[0].lastIndexOf(value);
      return { category: 'secret', kind: 'credential-assignment', start, end: start + value.length, value };
    });
}

/** Every secret in `text`: known key formats first, then assignments, then high-entropy tokens. */
export function findSecrets(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  const add = (match: PiiMatch): void => {
    if (!found.some((other) => match.start < other.end && other.start < match.end)) found.push(match);
  };
  for (const { kind, pattern } of KEY_PATTERNS) {
    for (const match of text.matchAll(pattern)) add({ category: 'secret', kind, start: match.index, end: match.index + match[0].length, value: match[0] });
  }
  assignmentSecrets(text).forEach(add);
  for (const match of text.matchAll(TOKEN)) {
    if (looksLikeRandomToken(match[0])) add({ category: 'secret', kind: 'high-entropy-token', start: match.index, end: match.index + match[0].length, value: match[0] });
  }
  return found;
}
