/**
 * The one error every model adapter throws. Adapters map their vendor's errors into a `ProviderError`
 * with a `kind` (one mapping per adapter, in the adapter's file); the router decides from `kind` whether to
 * retry, fail over, pick a larger window, or stop. Activities turn a final `ProviderError` into a Temporal
 * failure with `toActivityFailure`.
 */
export const ProviderErrorKind = {
  /** 429: slow down; `retryAfterMs` when the provider said how long. */
  rateLimited: 'rate-limited',
  /** 529 / "overloaded" / 503: the provider is busy. */
  overloaded: 'overloaded',
  /** Other 5xx. */
  server: 'server',
  /** The request took longer than its limit (408 or our own deadline). */
  timeout: 'timeout',
  /** A stream produced no data within its idle limit, or ended before its final event. */
  stalled: 'stalled',
  /** Connection refused, reset, DNS. */
  network: 'network',
  /** The prompt does not fit the model's context window. */
  contextLength: 'context-length',
  /** The provider refused for content-policy reasons. */
  contentPolicy: 'content-policy',
  /** 401/403: a wrong or missing key. */
  authentication: 'authentication',
  /** Other 4xx: the request itself is wrong. */
  badRequest: 'bad-request',
  /** The provider answered with something that does not parse as its own protocol. */
  malformed: 'malformed',
} as const;
export type ProviderErrorKind = (typeof ProviderErrorKind)[keyof typeof ProviderErrorKind];

/** Kinds worth another attempt (same model after a pause, or the next model). */
export const RETRYABLE_PROVIDER_ERRORS: ReadonlySet<ProviderErrorKind> = new Set<ProviderErrorKind>([
  ProviderErrorKind.rateLimited,
  ProviderErrorKind.overloaded,
  ProviderErrorKind.server,
  ProviderErrorKind.timeout,
  ProviderErrorKind.stalled,
  ProviderErrorKind.network,
  ProviderErrorKind.malformed,
]);

export interface ProviderErrorOptions {
  kind: ProviderErrorKind;
  provider: string;
  modelId: string;
  status?: number;
  retryAfterMs?: number;
  /** True once any output token reached the caller: the router must not switch models after that. */
  afterFirstToken?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly modelId: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly afterFirstToken: boolean;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, { cause: options.cause });
    this.kind = options.kind;
    this.provider = options.provider;
    this.modelId = options.modelId;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.afterFirstToken = options.afterFirstToken ?? false;
  }

  get retryable(): boolean {
    return RETRYABLE_PROVIDER_ERRORS.has(this.kind);
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}
