/**
 * Prompt size in tokens, counted with a real BPE tokenizer (`gpt-tokenizer`, o200k_base: the encoding of
 * current OpenAI models). Other vendors' tokenizers differ; the catalog's `tokenCountFactor` scales the count
 * per model. Counting is synchronous and stays well under a millisecond for typical prompts.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatRequest } from '../chat-model.js';

/** Framing tokens per message (role markers, separators), as in OpenAI's published chat accounting. */
const TOKENS_PER_MESSAGE = 4;
/** Framing of the reply the model starts (`<|start|>assistant<|message|>`). */
const TOKENS_PER_REPLY = 3;
/** Treat special-token text such as `<|endoftext|>` in user input as ordinary text instead of throwing. */
const ORDINARY_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of one text under o200k_base. */
export function countTextTokens(text: string): number {
  return text === '' ? 0 : countTokens(text, ORDINARY_TEXT);
}

/**
 * Input tokens of a request as the model will see it: system prompt, messages, grounding documents (title and
 * text) and the JSON schema of a structured-output request, plus per-message framing.
 */
export function countRequestTokens(request: ChatRequest): number {
  let total = TOKENS_PER_REPLY;
  if (request.system !== undefined) total += TOKENS_PER_MESSAGE + countTextTokens(request.system);
  for (const message of request.messages) total += TOKENS_PER_MESSAGE + countTextTokens(message.content);
  for (const document of request.documents ?? []) {
    total += TOKENS_PER_MESSAGE + countTextTokens(document.title) + countTextTokens(document.text);
  }
  if (request.responseFormat !== undefined) total += countTextTokens(JSON.stringify(request.responseFormat.schema));
  return total;
}
