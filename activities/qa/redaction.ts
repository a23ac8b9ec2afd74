/**
 * Redaction for logs and stored traces: the same detectors as the QA stage, applied to every string in a
 * JSON value, plus whole-value redaction of fields whose name says they hold a credential.
 */
import type { LoggerOptions } from 'pino';
import { redactMatches } from './pii.js';

/** Field names whose values are never logged or stored, whatever they look like. */
const SENSITIVE_KEY = /^(?:password|passwd|secret|client_?secret|api_?key|apikey|access_?token|refresh_?token|id_?token|token|authorization|cookie|set-cookie|private_?key|card_?number|iban|ssn)$/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 32;

/** `text` with every detected PII span replaced by its placeholder. */
export function redactText(text: string): string {
  return redactMatches(text).text;
}

/**
 * A deep copy of a JSON value with PII redacted in every string and credential-named fields blanked.
 * Use it on a turn's trace before storing it. Cycles and depth beyond 32 are cut, never followed.
 */
export function redactJson(value: unknown): unknown {
  return redactNode(value, 0, new WeakSet());
}

function redactNode(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return REDACTED;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item: unknown) => redactNode(item, depth + 1, seen));
  if (value instanceof Error) return { type: value.name, message: redactText(value.message) };
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SENSITIVE_KEY.test(key) && item !== null && item !== undefined ? REDACTED : redactNode(item, depth + 1, seen);
  }
  return copy;
}

/**
 * pino options that redact PII before a line is written: `formatters.log` redacts the merged object and
 * `hooks.logMethod` redacts the message and format arguments. Spread them into `pino({...})`:
 * `pino({ ...redactingLoggerOptions(), level })`.
 */
export function redactingLoggerOptions(): Pick<LoggerOptions, 'formatters' | 'hooks'> {
  return {
    formatters: { log: (object) => redactJson(object) as Record<string, unknown> },
    hooks: {
      logMethod(inputs, method) {
        const redacted = inputs.map((input: unknown) => (typeof input === 'string' ? redactText(input) : input));
        method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
}
