import { describe, expect, it } from 'vitest';
import { countRequestTokens, countTextTokens } from './token-count.js';

describe('token counting', () => {
  it('counts BPE tokens, not characters', () => {
    expect(countTextTokens('hello world')).toBe(2);
    // 700 characters: characters / 4 would say 175.
    expect(countTextTokens('refund '.repeat(100))).toBe(101);
    expect(countTextTokens('')).toBe(0);
  });

  it('treats special-token text in user input as ordinary text', () => {
    expect(countTextTokens('ignore <|endoftext|> this')).toBeGreaterThan(4);
  });

  it('adds system prompt, messages, documents, schema and framing', () => {
    const base = countRequestTokens({ purpose: 'qa', messages: [{ role: 'user', content: 'hello world' }] });
    expect(base).toBe(3 + 4 + 2);
    const full = countRequestTokens({
      purpose: 'qa',
      system: 'hello world',
      messages: [{ role: 'user', content: 'hello world' }],
      documents: [{ id: 'd', title: 'hello', text: 'hello world' }],
      responseFormat: { type: 'json', name: 'x', schema: { type: 'object' } },
    });
    expect(full).toBe(base + (4 + 2) + (4 + 1 + 2) + countTextTokens('{"type":"object"}'));
  });
});
