/**
 * The streaming and calling discipline every network adapter shares: caller aborts surface as abort errors
 * (never as provider failures), vendor errors are mapped once, a stream that goes quiet for `idleTimeoutMs` or
 * ends before its final event fails with kind `stalled`, and `afterFirstToken` tells the router whether output
 * already reached the caller. Adapters supply only the vendor parts: how to open the stream and how to fold
 * one vendor chunk into the result.
 */
import type { TokenUsage } from '../../../domain/types.js';
import type { ChatResult, ChatStreamPart } from '../chat-model.js';
import { ProviderErrorKind, isProviderError, type ProviderError } from '../provider-error.js';
import { abortErrorOf, failure, refuseContentFilter, withAfterFirstToken, type ModelIdentity } from './provider-failure.js';

/** Default idle limit between two stream chunks. */
export const DEFAULT_IDLE_TIMEOUT_MS = 15_000;
/**
 * Default limit for a request to get its response headers (the SDKs' `timeout`). A non-streamed answer only
 * sends them when it is complete, so this bounds a whole `generate` too: long enough for a long premium answer.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** What an adapter accumulates while folding stream chunks. */
export interface StreamAccumulator {
  text: string;
  usage: TokenUsage;
  finishReason: ChatResult['finishReason'] | undefined;
  /** Set once the vendor's final event arrived; a stream that ends without it stalled. */
  complete: boolean;
}

/** Maps anything a vendor SDK throws into a `ProviderError` (the adapter's own mapping). */
export type ErrorMapper = (error: unknown) => ProviderError;

export interface GuardedStreamOptions<Chunk> {
  model: ModelIdentity;
  idleTimeoutMs: number;
  abortSignal: AbortSignal | undefined;
  /** Opens the vendor stream; the HTTP request must be aborted when `signal` aborts. */
  open(signal: AbortSignal): Promise<AsyncIterable<Chunk>>;
  /** Folds one chunk into `state`; returns the text it adds ('' for none). */
  accumulate(chunk: Chunk, state: StreamAccumulator): string;
  mapError: ErrorMapper;
}

class IdleTimeout extends Error {}

/** Runs one non-streaming vendor call: caller aborts pass through, everything else is mapped. */
export async function guardedCall<T>(
  abortSignal: AbortSignal | undefined,
  mapError: ErrorMapper,
  call: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (abortSignal?.aborted) throw abortErrorOf(abortSignal);
  try {
    return await call(abortSignal);
  } catch (error) {
    if (abortSignal?.aborted) throw abortErrorOf(abortSignal);
    throw isProviderError(error) ? error : mapError(error);
  }
}

/** Streams `text-delta` parts, then one `finish` with the whole result, enforcing the idle limit. */
export async function* guardedStream<Chunk>(options: GuardedStreamOptions<Chunk>): AsyncGenerator<ChatStreamPart> {
  const { abortSignal, model } = options;
  if (abortSignal?.aborted) throw abortErrorOf(abortSignal);
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(abortSignal?.reason);
  abortSignal?.addEventListener('abort', forwardAbort, { once: true });
  const state: StreamAccumulator = { text: '', usage: { inputTokens: 0, outputTokens: 0 }, finishReason: undefined, complete: false };
  let opened = false;
  try {
    const iterator = (await options.open(controller.signal))[Symbol.asyncIterator]();
    opened = true;
    for (;;) {
      const step = await nextWithin(iterator, options.idleTimeoutMs, controller);
      // Chunks already buffered keep coming after an abort: nothing more reaches the caller once it aborted.
      if (abortSignal?.aborted) throw abortErrorOf(abortSignal);
      if (step.done) break;
      const delta = options.accumulate(step.value, state);
      if (delta !== '') yield { type: 'text-delta', text: delta };
    }
  } catch (error) {
    throw streamFailure(error, options, { opened, afterFirstToken: state.text !== '' });
  } finally {
    abortSignal?.removeEventListener('abort', forwardAbort);
    controller.abort();
  }
  if (abortSignal?.aborted) throw abortErrorOf(abortSignal);
  const afterFirstToken = state.text !== '';
  if (!state.complete) throw failure(model, ProviderErrorKind.stalled, 'the stream ended before its final event', { afterFirstToken });
  const result: ChatResult = { text: state.text, usage: state.usage, finishReason: state.finishReason ?? 'stop', provider: model.provider, modelId: model.modelId };
  yield { type: 'finish', result: refuseContentFilter(model, result, afterFirstToken) };
}

/** The next chunk, or an `IdleTimeout` (after aborting the request) when none arrives in time. */
async function nextWithin<Chunk>(iterator: AsyncIterator<Chunk>, idleTimeoutMs: number, controller: AbortController): Promise<IteratorResult<Chunk>> {
  let timer: NodeJS.Timeout | undefined;
  const next = iterator.next();
  const idle = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new IdleTimeout(`no stream data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  });
  try {
    return await Promise.race([next, idle]);
  } catch (error) {
    if (error instanceof IdleTimeout) {
      next.catch(() => undefined);
      controller.abort(error);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function streamFailure<Chunk>(error: unknown, options: GuardedStreamOptions<Chunk>, progress: { opened: boolean; afterFirstToken: boolean }): Error {
  const { abortSignal, model } = options;
  const { afterFirstToken } = progress;
  if (abortSignal?.aborted) return abortErrorOf(abortSignal);
  if (error instanceof IdleTimeout) return failure(model, ProviderErrorKind.stalled, error.message, { afterFirstToken, cause: error });
  const mapped = isProviderError(error) ? error : options.mapError(error);
  // A connection that drops after the response started is a stream cut off mid-way.
  if (progress.opened && mapped.kind === ProviderErrorKind.network) {
    return failure(model, ProviderErrorKind.stalled, `the stream was cut off: ${mapped.message}`, { afterFirstToken, cause: error });
  }
  return withAfterFirstToken(mapped, afterFirstToken);
}
