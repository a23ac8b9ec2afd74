/**
 * What every fake chat provider can be scripted to do, in the provider's own wire format. The conformance
 * suite scripts scenarios through this interface; each fake decides how its vendor really expresses them
 * (Anthropic 529 `overloaded_error`, OpenAI `context_length_exceeded`, Ollama NDJSON `done` chunks…).
 */
import type { TokenUsage } from '../../domain/types.js';
import type { RecordedRequest, ScriptedServer, StreamEnding } from './scripted-server.js';

export type FakeVendor = 'anthropic' | 'openai' | 'ollama';

/** A whole (non-streamed) answer. `refusal` is the vendor's content-policy stop. */
export interface ScriptedAnswer {
  text: string;
  usage: TokenUsage;
  finish?: 'stop' | 'length' | 'refusal';
}

/**
 * A streamed answer. `complete` sends every event including the final one; `cut` ends the HTTP response
 * cleanly after the deltas, without the final event; `stall` sends the deltas and then nothing, keeping the
 * connection open; `drop` sends the deltas and then destroys the socket.
 */
export interface ScriptedStream {
  deltas: string[];
  usage: TokenUsage;
  finish?: 'stop' | 'length' | 'refusal';
  ending?: 'complete' | 'cut' | Exclude<StreamEnding, 'end'>;
}

/** Failures a fake can answer with, each in its vendor's own status and body. */
export type ScriptedFailure =
  | { kind: 'rate-limited'; headers: Record<string, string> }
  | { kind: 'overloaded' }
  | { kind: 'server' }
  | { kind: 'authentication' }
  | { kind: 'bad-request' }
  | { kind: 'context-length' }
  | { kind: 'content-policy' }
  /** Status 200 with a body that is not the vendor's JSON. */
  | { kind: 'malformed' }
  /** A bare status with a generic vendor error body (529, 408, 502…). */
  | { kind: 'status'; status: number };

export interface FakeChatProvider {
  readonly vendor: FakeVendor;
  readonly server: ScriptedServer;
  /** What to pass to the SDK as its base URL or host. */
  readonly baseUrl: string;
  /** The chat endpoint's path (for counting requests). */
  readonly chatPath: string;
  /** Failure kinds this vendor has a way to express (Ollama has no content-policy refusals). */
  readonly failures: ReadonlySet<ScriptedFailure['kind']>;
  answer(answer: ScriptedAnswer): void;
  /** A structured-output answer, sent the way the adapter asked for it (Anthropic: a tool_use block). */
  answerObject(value: unknown, usage: TokenUsage): void;
  streamAnswer(stream: ScriptedStream): void;
  /** Deltas, then a chunk that is not JSON. Undefined for vendors whose SDK skips bad lines (Ollama). */
  streamMalformed?(deltas: string[]): void;
  /** Deltas, then an error event inside the stream (overloaded). Undefined where the vendor has none. */
  streamError?(deltas: string[]): void;
  fail(failure: ScriptedFailure): void;
  /** Never answers. */
  hang(): void;
  /** Bodies of the requests sent to the chat endpoint. */
  chatRequests(): Record<string, unknown>[];
}

export interface FakeEmbeddingProvider {
  readonly vendor: FakeVendor;
  readonly server: ScriptedServer;
  readonly baseUrl: string;
  readonly embedPath: string;
  /** Answers the next embedding request with these vectors (in the vendor's encoding) and token count. */
  embeddings(vectors: number[][], inputTokens: number): void;
  /** Answers with the vectors in reverse item order, each tagged with its index (OpenAI only). */
  embeddingsOutOfOrder?(vectors: number[][], inputTokens: number): void;
  failEmbedding(failure: ScriptedFailure): void;
  /** The next embedding request never gets an answer. */
  hangEmbedding(): void;
  embedRequests(): Record<string, unknown>[];
}

/** Bodies of recorded requests to a path, as objects. */
export function bodiesTo(server: ScriptedServer, path: string): Record<string, unknown>[] {
  return server.requestsTo(path).map((request: RecordedRequest) => request.body as Record<string, unknown>);
}

/** Server-sent event text, with an `event:` line when named. */
export function sse(data: unknown, event?: string): string {
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
