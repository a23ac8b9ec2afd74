/** Shared by the auth tests: HS256 tokens for a test issuer, and a WebSocket client that authenticates. */
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import type { Role } from '../../../domain/auth.js';

export const TEST_JWT = { issuer: 'https://id.agentcraft.test/', audience: 'agentcraft-api', secret: 'test-secret-that-is-long-enough-for-hs256!' } as const;

/** A token of the test issuer for `subject` in `tenantId` with `roles` (and a customer id claim when given). */
export async function tokenFor(subject: string, tenantId: string, roles: Role[], customerId?: string): Promise<string> {
  return await new SignJWT({ tenant_id: tenantId, roles, ...(customerId === undefined ? {} : { customer_id: customerId }) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(TEST_JWT.issuer)
    .setAudience(TEST_JWT.audience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(TEST_JWT.secret));
}

export type Frame = { type: string; conversationId?: string; error?: { code: string }; [key: string]: unknown };

export interface TestSocket {
  frames: Frame[];
  send(frame: unknown): void;
  sendRaw(text: string): void;
  /** The first frame (from index `from`) matching `predicate`. */
  next(predicate: (frame: Frame) => boolean, from?: number): Promise<Frame>;
  close(): void;
}

/** Opens `/api/ws/agent-tracking` with `?access_token=`; resolves the HTTP status when the upgrade is refused. */
export function openSocket(baseUrl: string, token?: string): Promise<TestSocket | { refused: number }> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/ws/agent-tracking${token === undefined ? '' : `?access_token=${encodeURIComponent(token)}`}`;
  const socket = new WebSocket(url);
  const frames: Frame[] = [];
  const wakers = new Set<() => void>();
  socket.on('message', (data: Buffer) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const wake of wakers) wake();
  });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => resolve({ refused: response.statusCode ?? 0 }));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        frames,
        send: (frame) => socket.send(JSON.stringify(frame)),
        sendRaw: (text) => socket.send(text),
        next: (predicate, from = 0) =>
          new Promise((found, fail) => {
            const check = () => {
              const frame = frames.slice(from).find(predicate);
              if (frame === undefined) return;
              wakers.delete(check);
              clearTimeout(timer);
              found(frame);
            };
            const timer = setTimeout(() => fail(new Error(`no such frame; got ${JSON.stringify(frames)}`)), 20_000);
            wakers.add(check);
            check();
          }),
        close: () => socket.close(),
      }),
    );
  });
}
