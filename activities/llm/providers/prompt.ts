/**
 * How a `ChatRequest` becomes a prompt, the same for every vendor: the system text, then the grounding
 * documents as numbered sources the model cites as `[n]`, then (for structured output without a native
 * mode) the JSON instruction. `system`-role messages are folded into the system text, since not every vendor
 * accepts them inside the conversation.
 */
import type { ChatMessage, ChatRequest, GroundingDocument } from '../chat-model.js';

/** Instruction placed before the numbered sources. */
export const CITATION_INSTRUCTION =
  'Answer using the numbered sources below. Cite every statement taken from a source with its number in square brackets, for example [1] or [2][3]. If the sources do not contain the answer, say so instead of guessing.';

/** The numbered sources block: `[n] title` then the text, n = position + 1. */
export function renderDocuments(documents: readonly GroundingDocument[]): string {
  return documents.map((document, index) => `[${index + 1}] ${document.title}\n${document.text.trim()}`).join('\n\n');
}

/** The whole system text of a request, or undefined when it has none. */
export function systemPrompt(request: ChatRequest, options: { jsonInstruction?: boolean } = {}): string | undefined {
  const parts = [request.system, ...request.messages.filter((message) => message.role === 'system').map((message) => message.content)];
  const documents = request.documents ?? [];
  if (documents.length > 0) parts.push(`${CITATION_INSTRUCTION}\n\nSources:\n\n${renderDocuments(documents)}`);
  if (options.jsonInstruction === true && request.responseFormat !== undefined) {
    parts.push(`Reply with one JSON value matching this JSON Schema, and nothing else:\n${JSON.stringify(request.responseFormat.schema)}`);
  }
  const text = parts.filter((part): part is string => part !== undefined && part.trim() !== '').join('\n\n');
  return text === '' ? undefined : text;
}

/** The user and assistant turns of a request, in order (system messages go to {@link systemPrompt}). */
export function conversationMessages(request: ChatRequest): (ChatMessage & { role: 'user' | 'assistant' })[] {
  return request.messages.filter((message): message is ChatMessage & { role: 'user' | 'assistant' } => message.role !== 'system');
}

/** The options a request carries for one vendor (`providerOptions.<vendor>`), or an empty object. */
export function vendorOptions(request: ChatRequest, vendor: string): Record<string, unknown> {
  return request.providerOptions?.[vendor] ?? {};
}
