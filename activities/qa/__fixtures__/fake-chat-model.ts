/** A fake `ChatModel` for the QA stage's model-based checks: canned replies in order, every request kept. */
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../../llm/chat-model.js';

export class FakeChatModel implements ChatModel {
  readonly provider = 'fake';
  readonly modelId = 'fake-judge';
  readonly requests: ChatRequest[] = [];
  readonly #replies: (string | Error)[];

  constructor(replies: (string | Error)[]) {
    this.#replies = [...replies];
  }

  generate(request: ChatRequest): Promise<ChatResult> {
    this.requests.push(request);
    const reply = this.#replies.shift();
    if (reply === undefined) return Promise.reject(new Error(`FakeChatModel: no canned reply left for request ${this.requests.length}`));
    if (reply instanceof Error) return Promise.reject(reply);
    return Promise.resolve({ text: reply, usage: { inputTokens: 10, outputTokens: 10 }, finishReason: 'stop', provider: this.provider, modelId: this.modelId });
  }

  async *stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
    const result = await this.generate(request);
    yield { type: 'text-delta', text: result.text };
    yield { type: 'finish', result };
  }
}
