/**
 * Model errors as Temporal sees them: a failure that no retry can fix (a budget, a content-policy refusal,
 * a rejected request, no model that fits) becomes a non-retryable `ApplicationFailure` with a stable type;
 * everything else stays retryable and Temporal's retry policy owns it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../../domain/failure-types.js';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from './chat-model.js';
import { isProviderError, ProviderErrorKind } from './provider-error.js';
import { RouterError } from './router/index.js';

export function toActivityFailure(error: unknown): unknown {
  if (error instanceof RouterError && !error.retryable) return ApplicationFailure.create({ message: error.message, type: error.failureType, nonRetryable: true, cause: error });
  if (isProviderError(error) && !error.retryable) {
    const type = error.kind === ProviderErrorKind.contentPolicy ? FailureType.ContentPolicy : FailureType.ProviderRejected;
    return ApplicationFailure.create({ message: error.message, type, nonRetryable: true, cause: error });
  }
  return error;
}

/** Wraps a model so its final errors carry Temporal's retry semantics (see `toActivityFailure`). */
export class ActivityFailureChatModel implements ChatModel {
  constructor(private readonly inner: ChatModel) {}

  get provider(): string {
    return this.inner.provider;
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  async generate(request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    try {
      return await this.inner.generate(request, options);
    } catch (error) {
      throw toActivityFailure(error);
    }
  }

  async *stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart> {
    try {
      yield* this.inner.stream(request, options);
    } catch (error) {
      throw toActivityFailure(error);
    }
  }
}
