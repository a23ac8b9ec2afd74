/** A `ChatModel` that replies with canned texts in order and fails loudly when they run out. */
import type { ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../../llm/chat-model.js';

export class ScriptedChatModel implements ChatModel {
  readonly provider = 'scripted';
  readonly modelId = 'scripted-v1';
  /** Every request received, in order. */
  readonly requests: ChatRequest[] = [];
  readonly #replies: string[];

  constructor(replies: string[]) {
    this.#replies = [...replies];
  }

  generate(request: ChatRequest): Promise<ChatResult> {
    this.requests.push(request);
    const text = this.#replies.shift();
    if (text === undefined) {
      return Promise.reject(new Error(`ScriptedChatModel has no canned reply left for request #${this.requests.length} (${request.purpose})`));
    }
    return Promise.resolve({ text, usage: { inputTokens: 100, outputTokens: 20 }, finishReason: 'stop', provider: this.provider, modelId: this.modelId, costUsd: 0.0012 });
  }

  async *stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
    const result = await this.generate(request);
    for (const piece of result.text.split(/(?<=\s)/)) yield { type: 'text-delta', text: piece };
    yield { type: 'finish', result };
  }
}
