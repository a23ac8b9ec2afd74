/**
 * One guarded HTTP GET for the built-in fetcher: the allow-list is checked for the start URL and every
 * redirect hop (redirects are followed by hand, bounded, loops detected), a hook runs before each request
 * (robots.txt, per-host rate limit), the content type is checked before any body byte is read, and the body is
 * streamed and cut off past `maxBytes` (the connection is closed; nothing larger is ever buffered).
 * Deadlines come in through `signal` (see `deadline.ts`).
 */
import { assertUrlAllowed } from './allowed-hosts.js';
import { WebFetchError, WebFetchErrorType } from './web-fetcher.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface LimitedRequest {
  url: URL;
  allowedHosts: readonly string[];
  userAgent: string;
  accept: string;
  maxBytes: number;
  maxRedirects: number;
  /** Aborts the request and the body read (deadline and caller cancellation). */
  signal: AbortSignal;
  /** Runs before the first request and before every redirect hop (robots.txt check, rate limit). */
  beforeRequest?: (url: URL) => Promise<void>;
  /** Throws (e.g. `WebUnsupportedContent`) to refuse a 2xx response before its body is read. */
  checkContentType?: (contentType: string, url: URL) => void;
  /** Keep the first `maxBytes` instead of failing (robots.txt: only the first 500 KiB count). */
  truncate?: boolean;
}

export interface LimitedResponse {
  /** The URL that answered, after redirects. */
  url: URL;
  status: number;
  headers: Headers;
  /** Empty unless the status is 2xx. */
  body: Uint8Array;
}

/** GET with the limits above. Network failures throw whatever `fetch` threw (see `mapFetchFailure`). */
export async function limitedGet(request: LimitedRequest): Promise<LimitedResponse> {
  const visited = new Set<string>();
  let url = request.url;
  for (let hop = 0; ; hop += 1) {
    assertUrlAllowed(url.href, request.allowedHosts);
    visited.add(url.href);
    await request.beforeRequest?.(url);
    const controller = new AbortController();
    const stopLinking = linkAbort(request.signal, controller);
    try {
      const response = await fetch(url, {
        redirect: 'manual',
        signal: controller.signal,
        headers: { 'user-agent': request.userAgent, accept: request.accept },
      });
      const location = response.headers.get('location');
      if (REDIRECT_STATUSES.has(response.status) && location !== null) {
        await response.body?.cancel().catch(() => undefined);
        url = nextHop(url, location, visited, hop, request.maxRedirects);
        continue;
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        return { url, status: response.status, headers: response.headers, body: new Uint8Array() };
      }
      request.checkContentType?.(response.headers.get('content-type') ?? '', url);
      const body = await readLimited(response, request, controller);
      return { url, status: response.status, headers: response.headers, body };
    } finally {
      stopLinking();
    }
  }
}

function nextHop(from: URL, location: string, visited: Set<string>, hop: number, maxRedirects: number): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new WebFetchError(WebFetchErrorType.httpError, `Redirect from ${from.href} to an invalid location`, false);
  }
  target.hash = '';
  if (visited.has(target.href)) {
    throw new WebFetchError(WebFetchErrorType.tooManyRedirects, `Redirect loop: ${from.href} → ${target.href}`, false);
  }
  if (hop + 1 > maxRedirects) {
    throw new WebFetchError(WebFetchErrorType.tooManyRedirects, `More than ${maxRedirects} redirects from ${[...visited][0] ?? from.href}`, false);
  }
  return target;
}

async function readLimited(response: Response, request: LimitedRequest, controller: AbortController): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (!request.truncate && Number.isFinite(declared) && declared > request.maxBytes) {
    controller.abort();
    throw tooLarge(request);
  }
  if (response.body === null) return new Uint8Array();
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > request.maxBytes) {
        if (!request.truncate) throw tooLarge(request);
        chunks.push(value.subarray(0, request.maxBytes - total));
        total = request.maxBytes;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    // Closes the connection when we stop early (too large, truncated, aborted); a no-op after the end.
    await reader.cancel().catch(() => undefined);
    if (total >= request.maxBytes) controller.abort();
  }
  return concat(chunks, total);
}

function tooLarge(request: LimitedRequest): WebFetchError {
  return new WebFetchError(WebFetchErrorType.tooLarge, `Response of ${request.url.href} exceeds ${request.maxBytes} bytes`, false);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Aborts `controller` when `signal` aborts; returns the unlink function. */
function linkAbort(signal: AbortSignal, controller: AbortController): () => void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => undefined;
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
