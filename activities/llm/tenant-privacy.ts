/**
 * Tenant privacy for model calls: tenants marked local-only have every call routed to local models
 * (Ollama, the offline model) — the router excludes cloud models when `context.localOnly` is set.
 */
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from './chat-model.js';

export class TenantPrivacyChatModel implements ChatModel {
  constructor(
    private readonly inner: ChatModel,
    private readonly localOnlyTenants: ReadonlySet<string>,
  ) {}

  get provider(): string {
    return this.inner.provider;
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  private withPrivacy(options: CallOptions | undefined): CallOptions | undefined {
    const context = options?.context;
    if (context === undefined || !this.localOnlyTenants.has(context.tenantId)) return options;
    return { ...options, context: { ...context, localOnly: true } };
  }

  generate(request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    return this.inner.generate(request, this.withPrivacy(options));
  }

  stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart> {
    return this.inner.stream(request, this.withPrivacy(options));
  }
}
