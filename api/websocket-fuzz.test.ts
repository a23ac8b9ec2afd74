/**
 * Property-based fuzzing of the agent-tracking WebSocket (`/api/ws/agent-tracking`) against a real HTTP server,
 * real `ws` sockets, the in-process event log and the real Temporal dev server (for snapshots). Each run opens a
 * socket and sends a random sequence of frames — arbitrary JSON values, near-valid frames, random text, large
 * frames just under the limit, binary frames, frames over the limit, text that is not UTF-8 — then checks:
 * - every frame the client's own reading of the protocol calls invalid gets exactly one error frame
 *   (`invalid_json` for text that is not JSON, `invalid_frame` for binary or schema-invalid JSON), in order;
 * - a valid frame among the junk is served like any other (snapshot, unsubscribed or an error naming it);
 * - a frame over the size limit closes the socket with 1009 (Message Too Big) and text that is not UTF-8 with
 *   1007 (Invalid Payload Data), the WebSocket protocol's codes (RFC 6455 §7.4.1); nothing else closes it;
 * - afterwards a valid subscribe works: on the same socket when it is still open, else on a new one — it gets
 *   its snapshot and then a live event. The server stays up throughout.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { createTestClient, type TestClient } from '../test-support/temporal.js';
import { clientFrameSchema } from './schemas.js';
import { startApiServer, type RunningApiServer } from './server.js';
import { AGENT_TRACKING_PATH } from './websocket.js';
import { WebSocketErrorCode, type ServerFrame } from './websocket-connection.js';

const MAX_FRAME_BYTES = 16 * 1024;
const CLOSE_MESSAGE_TOO_BIG = 1009;
const CLOSE_INVALID_PAYLOAD = 1007;

const logger = pino({ level: 'silent' });
const store = createStore({ logger });
const eventLog = new MemoryEventLog({ logger });
let testClient: TestClient;
let server: RunningApiServer;

beforeAll(async () => {
  await store.migrate();
  testClient = await createTestClient();
  server = await startApiServer({
    temporal: testClient.client,
    store,
    eventLog,
    logger,
    port: 0,
    configuration: { temporal: { taskQueue: 'api-websocket-fuzz-test', namespace: 'default' }, waitTimeoutMs: 1_000 },
    websocket: { maxFrameBytes: MAX_FRAME_BYTES, snapshotTimeoutMs: 5_000 },
  });
});

afterAll(async () => {
  await server?.close();
  await Promise.allSettled([testClient?.close(), store.close(), eventLog.close()]);
});

/** One client frame: text (sent as a text frame), binary, or raw bytes sent as a text frame. */
type Frame = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'bad-utf8'; bytes: Buffer };

/** What the server must do with a frame, by the protocol as documented. */
type Expected = { answer: 'error'; code: string } | { answer: 'served'; conversationId: string } | { answer: 'close'; code: number };

function expectationOf(frame: Frame): Expected {
  if (frame.kind === 'bad-utf8') return { answer: 'close', code: CLOSE_INVALID_PAYLOAD };
  const size = frame.kind === 'text' ? Buffer.byteLength(frame.text) : frame.bytes.byteLength;
  if (size > MAX_FRAME_BYTES) return { answer: 'close', code: CLOSE_MESSAGE_TOO_BIG };
  if (frame.kind === 'binary') return { answer: 'error', code: WebSocketErrorCode.invalidFrame };
  let json: unknown;
  try {
    json = JSON.parse(frame.text);
  } catch {
    return { answer: 'error', code: WebSocketErrorCode.invalidJson };
  }
  const parsed = clientFrameSchema.safeParse(json);
  return parsed.success ? { answer: 'served', conversationId: parsed.data.conversationId } : { answer: 'error', code: WebSocketErrorCode.invalidFrame };
}

const text = (value: string): Frame => ({ kind: 'text', text: value });
const json = (value: unknown): Frame => text(JSON.stringify(value) ?? 'null');
/** Strings that sometimes pass as stream ids (`reviewers:` feeds included). */
const streamId = fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }), fc.constantFrom('reviewers:default', 'reviewers:', '../x', 'a'.repeat(300), '', ' '));
const nearValid = fc.record(
  { type: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe'), fc.string({ maxLength: 10 })), conversationId: fc.oneof(streamId, fc.jsonValue({ maxDepth: 1 })), fromSeq: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })), extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: [] },
);
const padded = (size: number, body: string): string => body + ' '.repeat(Math.max(0, size - Buffer.byteLength(body)));
/** A large frame that prints as its size in counterexamples instead of kilobytes of filler. */
const large = (frame: Frame): Frame => {
  const size = frame.kind === 'text' ? Buffer.byteLength(frame.text) : frame.bytes.byteLength;
  return Object.assign(frame, { [fc.toStringMethod]: () => `${frame.kind}(${size} bytes${frame.kind === 'text' ? `: ${frame.text.slice(0, 40)}…` : ''})` });
};

const frameArbitrary: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
  { weight: 4, arbitrary: nearValid.map(json) },
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }).map(text) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(text) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '{}', '[]', '{"type":', '\u0000', '{"__proto__":{"type":"subscribe"}}', '{"type":"subscribe","conversationId":"x","conversationId":"reviewers:other"}').map(text) },
  // Large frames around the limit: JSON text, and JSON whose padding makes it exactly the limit.
  { weight: 1, arbitrary: fc.integer({ min: MAX_FRAME_BYTES - 64, max: MAX_FRAME_BYTES + 64 }).map((size) => large(text(JSON.stringify({ type: 'subscribe', conversationId: 'x'.repeat(Math.max(0, size - 40)) })))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 * MAX_FRAME_BYTES }).map((size) => large(text(padded(size, '{"type":"unsubscribe","conversationId":"padded"}')))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): Frame => ({ kind: 'binary', bytes })) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_FRAME_BYTES - 8, max: MAX_FRAME_BYTES + 8 }).map((size) => large({ kind: 'binary', bytes: new Uint8Array(size) })) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), Buffer.from([0xed, 0xa0, 0x80])).map((bytes): Frame => ({ kind: 'bad-utf8', bytes })) },
);

/** A `ws` client that records every frame and how the socket closed. */
class FuzzSocket {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number }>;
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary) => {
      expect(isBinary, 'the server only sends text frames').toBe(false);
      this.frames.push(JSON.parse(data.toString('utf8')) as ServerFrame);
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', (code) => {
        this.closeCode = code;
        resolve({ code });
      }),
    );
  }

  static async open(): Promise<FuzzSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${AGENT_TRACKING_PATH}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new FuzzSocket(socket);
  }

  send(frame: Frame): void {
    if (frame.kind === 'text') this.socket.send(frame.text);
    else this.socket.send(frame.bytes, { binary: frame.kind === 'binary' });
  }

  errorCodes(): string[] {
    return this.frames.flatMap((frame) => (frame.type === 'error' && frame.conversationId === undefined ? [frame.error.code] : []));
  }

  mentions(conversationId: string): boolean {
    return this.frames.some((frame) => (frame.type === 'event' ? frame.event.conversationId : frame.conversationId) === conversationId);
  }

  async close(): Promise<void> {
    if (this.closeCode === undefined) this.socket.close();
    await this.closed;
  }
}

/** Subscribes to a fresh conversation and checks that its snapshot and then a live event arrive. */
async function assertSubscribeWorks(client: FuzzSocket): Promise<void> {
  const conversationId = randomUUID();
  client.send(json({ type: 'subscribe', conversationId }));
  await vi.waitFor(() => expect(client.frames).toContainEqual(expect.objectContaining({ type: 'snapshot', conversationId, lastSeq: 0 })), { timeout: 10_000 });
  await eventLog.append(conversationId, { type: 'turn-started', turnId: `${conversationId}.1`, at: new Date().toISOString(), payload: { fuzz: true } });
  await vi.waitFor(() => expect(client.frames).toContainEqual({ type: 'event', event: expect.objectContaining({ conversationId, seq: 1, type: 'turn-started' }) as unknown }), { timeout: 10_000 });
}

/** The frames up to and including the first that closes the socket (nothing after it would be read). */
function untilFatal(frames: Frame[]): { frames: Frame[]; expected: Expected[] } {
  const expected = frames.map(expectationOf);
  const fatal = expected.findIndex((expectation) => expectation.answer === 'close');
  return fatal === -1 ? { frames, expected } : { frames: frames.slice(0, fatal + 1), expected: expected.slice(0, fatal + 1) };
}

describe('agent-tracking WebSocket under fuzzed frames', () => {
  it('answers each invalid frame with one error frame, closes only for oversized or non-UTF-8 frames, and keeps subscribing working', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(frameArbitrary, { minLength: 1, maxLength: 6 }), async (generated) => {
        const { frames, expected } = untilFatal(generated);
        const client = await FuzzSocket.open();
        try {
          for (const frame of frames) client.send(frame);
          const errors = expected.flatMap((expectation) => (expectation.answer === 'error' ? [expectation.code] : []));
          const close = expected.find((expectation) => expectation.answer === 'close');
          for (const expectation of expected) seen.set(expectation.answer === 'error' ? expectation.code : expectation.answer, (seen.get(expectation.answer === 'error' ? expectation.code : expectation.answer) ?? 0) + 1);
          if (close !== undefined) {
            await expect(client.closed).resolves.toEqual({ code: close.code });
            // Frames before the fatal one were answered first, in order.
            expect(client.errorCodes()).toEqual(errors);
            const fresh = await FuzzSocket.open();
            await assertSubscribeWorks(fresh);
            await fresh.close();
            return;
          }
          await assertSubscribeWorks(client);
          expect(client.errorCodes()).toEqual(errors);
          for (const expectation of expected) {
            if (expectation.answer === 'served') await vi.waitFor(() => expect(client.mentions(expectation.conversationId)).toBe(true), { timeout: 10_000 });
          }
          expect(client.closeCode).toBeUndefined();
          expect(client.socket.readyState).toBe(WebSocket.OPEN);
        } finally {
          await client.close();
        }
      }),
      { numRuns: 60 },
    );
    // The generators reached every branch of the protocol, and the server is still up.
    for (const outcome of ['served', 'close', WebSocketErrorCode.invalidJson, WebSocketErrorCode.invalidFrame]) expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
  });
});
