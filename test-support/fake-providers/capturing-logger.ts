import { pino } from 'pino';
import type { Logger } from '../../domain/logger.js';

/** A pino logger that keeps its lines in memory, for asserting what adapters and SDKs logged. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string): void => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: pino({ level: 'debug' }, destination), lines };
}
