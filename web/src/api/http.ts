/**
 * A tiny fetch wrapper: JSON in and out, the API's `{ error: { code, message, requestId } }` as `ApiError`.
 * Sends the credential as `Authorization: Bearer`; after a 401 it retries once when the widget's token
 * provider hands out a fresh token, and otherwise reports the 401 (the sign-in dialog opens).
 */
import { authorizationHeaders, credentialPending, ensureCredential, refreshCredential, reportUnauthorized } from './credentials';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 404 on a route the API does not serve yet (`not_found`), as opposed to a missing record. */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'not_found';
  }
}

/** The error body the API sends; anything else (a proxy's HTML page) is reported by status. */
export function errorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: { code?: unknown; message?: unknown; requestId?: unknown } }).error;
    return new ApiError(
      status,
      typeof error.code === 'string' ? error.code : 'http_error',
      typeof error.message === 'string' ? error.message : `HTTP ${status}`,
      typeof error.requestId === 'string' ? error.requestId : null,
    );
  }
  return new ApiError(status, status === 404 ? 'not_found' : 'http_error', `HTTP ${status}`);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** JSON-encoded, or sent as is when it is `FormData`. */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** The base every path is resolved against: same origin, or the widget's `data-api-base`. */
let apiBase = '';
export function setApiBase(base: string): void {
  apiBase = base.replace(/\/$/, '');
}
export function apiUrl(path: string): string {
  return `${apiBase}${path}`;
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  if (credentialPending()) await ensureCredential();
  let response = await send(path, options);
  if (response.status === 401 && (await refreshCredential())) response = await send(path, options);
  const body = parseBody(await response.text());
  if (response.status === 401) reportUnauthorized();
  if (!response.ok) throw errorOf(response.status, body);
  return body as T;
}

function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...authorizationHeaders(), ...options.headers };
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.signal !== undefined) init.signal = options.signal;
  if (options.body instanceof FormData) {
    init.body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  return fetch(apiUrl(path), init);
}

/** JSON, or null for an empty or non-JSON body (a 204, a proxy's HTML page). */
export function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** What `GET /api/auth/me` says about the current credential. */
export type AuthProbe = 'accepted' | 'refused' | 'unknown';

/**
 * Asks `GET /api/auth/me` whether the credential is still accepted. Used after a WebSocket closed before
 * opening: browsers hide the upgrade's 401, so the REST answer tells a refused credential from a network
 * problem. A 401 goes through `requestJson` (token refresh, then the sign-in dialog).
 */
export async function probeAuthorization(): Promise<AuthProbe> {
  try {
    await requestJson<unknown>('/api/auth/me');
    return 'accepted';
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return 'refused';
    // A server without /api/auth/me has no authentication to refuse with.
    if (error instanceof ApiError && error.notAvailable) return 'accepted';
    return 'unknown';
  }
}
