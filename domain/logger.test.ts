import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { lines: Record<string, unknown>[]; destination: { write(line: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe('createLogger', () => {
  it('redacts personal data and secrets in messages and fields, at any depth', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info({ customer: { email: 'jane.doe@example.com', card: '4111 1111 1111 1111' }, key: 'sk-live-51HcxQ2eZvKYlo2C8Nf8s6dQ' }, 'jane.doe@example.com called from +1 415 555 2671');
    const line = JSON.stringify(lines[0]);
    for (const secret of ['jane.doe@example.com', '4111 1111 1111 1111', '415 555 2671', 'sk-live-51HcxQ2eZvKYlo2C8Nf8s6dQ']) expect(line).not.toContain(secret);
    expect(lines[0]?.msg).toContain('[email redacted]');
  });

  it('keeps the ids operators search by', () => {
    const { lines, destination } = capture();
    const ids = { conversationId: '3a5a00ee-e62f-4a8f-ba2d-20a7ca7554bf', turnId: '3a5a00ee-e62f-4a8f-ba2d-20a7ca7554bf.12', workflowId: 'conversation-3a5a00ee-e62f-4a8f-ba2d-20a7ca7554bf-turn-12', address: '127.0.0.1:7233', durationMs: 1234567 };
    createLogger({ destination }).info(ids, 'turn delivered');
    expect(lines[0]).toMatchObject(ids);
  });
});
