/** A fake `ChatModel` for the QA stage's model-based checks: canned replies in order, every request kept. */
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../../llm/chat-model.js';

export class FakeChatModel implements ChatModel {
  readonly provider = 'fake';
  readonly modelId = 'fake-judge';
  readonly requests: ChatRequest[] = [];
  /** The call options of every request, in order (the router's accounting reads `context.callId`). */
  readonly callOptions: (CallOptions | undefined)[] = [];
  readonly #replies: (string | Error)[];

  constructor(replies: (string | Error)[]) {
    this.#replies = [...replies];
  }

  generate(request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    this.requests.push(request);
    this.callOptions.push(options);
    const reply = this.#replies.shift();
    if (reply === undefined) return Promise.reject(new Error(`FakeChatModel: no canned reply left for request ${this.requests.length}`));
    if (reply instanceof Error) return Promise.reject(reply);
    return Promise.resolve({ text: reply, usage: { inputTokens: 10, outputTokens: 10 }, finishReason: 'stop', provider: this.provider, modelId: this.modelId });
  }

  async *stream(request: ChatRequest, options?: CallOptions): AsyncIterable<ChatStreamPart> {
    const result = await this.generate(request, options);
    yield { type: 'text-delta', text: result.text };
    yield { type: 'finish', result };
  }
}
