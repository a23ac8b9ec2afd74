import { describe, expect, it } from 'vitest';
import { collapseWhitespace, countTokens, splitSentences } from '../llm/text.js';
import { chunkMarkdown, type MarkdownChunk } from './chunker.js';

/** "Sentence 7 has words." is 5 tokens. */
function sentences(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `Sentence ${index + 1} has words.`);
}

function summary(chunks: MarkdownChunk[]): [number, string | null, string][] {
  return chunks.map((chunk) => [chunk.ordinal, chunk.heading, chunk.text]);
}

describe('chunkMarkdown', () => {
  it('splits on headings and keeps the heading path with each chunk', () => {
    const body = [
      'Intro paragraph.',
      '',
      '## API keys',
      'Keys authenticate requests.',
      '',
      '### Rotate an API key',
      '1. Open **Settings**.',
      '2. Click **Rotate**.',
      '',
      '## Webhooks ##',
      'Webhooks push events.',
    ].join('\n');
    const chunks = chunkMarkdown(body, { maxTokens: 100, overlapTokens: 10 });
    expect(summary(chunks)).toEqual([
      [0, null, 'Intro paragraph.'],
      [1, 'API keys', 'Keys authenticate requests.'],
      [2, 'API keys > Rotate an API key', '1. Open **Settings**.\n2. Click **Rotate**.'],
      [3, 'Webhooks', 'Webhooks push events.'],
    ]);
    expect(chunks[2]?.headingPath).toEqual(['API keys', 'Rotate an API key']);
  });

  it('skips empty sections and never emits empty chunks', () => {
    const body = '\n\n## Empty\n\n   \n## Also empty\n---\n## Full\nText.\n';
    expect(summary(chunkMarkdown(body, { maxTokens: 50, overlapTokens: 0 }))).toEqual([[0, 'Full', 'Text.']]);
    expect(chunkMarkdown('', { maxTokens: 50, overlapTokens: 0 })).toEqual([]);
    expect(chunkMarkdown('## Only a heading', { maxTokens: 50, overlapTokens: 0 })).toEqual([]);
  });

  it('does not treat "#" lines inside code fences as headings', () => {
    const body = '## Verify\n```bash\n# compute the HMAC\nopenssl dgst -sha256\n```';
    expect(summary(chunkMarkdown(body, { maxTokens: 50, overlapTokens: 0 }))).toEqual([
      [0, 'Verify', '```bash\n# compute the HMAC\nopenssl dgst -sha256\n```'],
    ]);
  });

  it('packs a long paragraph by sentences with the requested overlap', () => {
    const body = `## Long\n${sentences(10).join(' ')}`;
    const chunks = chunkMarkdown(body, { maxTokens: 16, overlapTokens: 5 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      'Sentence 1 has words. Sentence 2 has words. Sentence 3 has words.',
      'Sentence 3 has words. Sentence 4 has words. Sentence 5 has words.',
      'Sentence 5 has words. Sentence 6 has words. Sentence 7 has words.',
      'Sentence 7 has words. Sentence 8 has words. Sentence 9 has words.',
      'Sentence 9 has words. Sentence 10 has words.',
    ]);
    expect(chunks.map((chunk) => chunk.heading)).toEqual(Array(5).fill('Long'));
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual([0, 1, 2, 3, 4]);
  });

  it('without overlap, the chunks of a section partition its sentences', () => {
    const chunks = chunkMarkdown(sentences(10).join(' '), { maxTokens: 16, overlapTokens: 0 });
    expect(chunks.flatMap((chunk) => splitSentences(chunk.text))).toEqual(sentences(10));
    expect(chunks).toHaveLength(4);
  });

  it('splits long lists by item and keeps paragraphs apart, with markers intact', () => {
    const body = ['Steps:', '', '1. First step here.', '2. Second step here.', '3. Third step here.', '', 'Closing words.'].join('\n');
    const chunks = chunkMarkdown(body, { maxTokens: 12, overlapTokens: 0 });
    expect(chunks.map((chunk) => chunk.text)).toEqual(['Steps:\n\n1. First step here.', '2. Second step here.\n3. Third step here.', 'Closing words.']);
  });

  it('cuts a run-on sentence longer than maxTokens at token boundaries', () => {
    const words = Array.from({ length: 25 }, (_, index) => `w${index}`);
    const chunks = chunkMarkdown(words.join(' '), { maxTokens: 10, overlapTokens: 0 });
    expect(chunks.map((chunk) => countTokens(chunk.text))).toEqual([10, 10, 5]);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(words.join(' '));
  });

  it('keeps every chunk within maxTokens and loses no sentence, on mixed Markdown', () => {
    const body = [
      '# Guide',
      sentences(30).join(' '),
      '',
      '## Lists',
      ...sentences(12).map((sentence, index) => `- Item ${index}: ${sentence}`),
      '',
      '## Table',
      '| Plan | Price |',
      '|---|---|',
      ...Array.from({ length: 12 }, (_, index) => `| Plan ${index} | $${index}9 |`),
    ].join('\n');
    for (const [maxTokens, overlapTokens] of [
      [12, 0],
      [20, 6],
      [64, 20],
    ] as const) {
      const chunks = chunkMarkdown(body, { maxTokens, overlapTokens });
      expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, index) => index));
      for (const chunk of chunks) {
        expect(countTokens(chunk.text)).toBeLessThanOrEqual(maxTokens);
        expect(chunk.text.trim()).not.toBe('');
      }
      const chunked = chunks.map((chunk) => collapseWhitespace(chunk.text)).join(' ');
      for (const sentence of sentences(30)) expect(chunked).toContain(sentence);
    }
  });

  it('is deterministic', () => {
    const body = `## A\n${sentences(40).join(' ')}\n## B\n${sentences(3).join('\n')}`;
    const options = { maxTokens: 30, overlapTokens: 8 };
    expect(chunkMarkdown(body, options)).toEqual(chunkMarkdown(body, options));
  });

  it('rejects unusable options', () => {
    expect(() => chunkMarkdown('Text.', { maxTokens: 0, overlapTokens: 0 })).toThrow(RangeError);
    expect(() => chunkMarkdown('Text.', { maxTokens: 10, overlapTokens: 10 })).toThrow(RangeError);
    expect(() => chunkMarkdown('Text.', { maxTokens: 10.5, overlapTokens: 1 })).toThrow(RangeError);
    expect(() => chunkMarkdown('Text.', { maxTokens: 10, overlapTokens: -1 })).toThrow(RangeError);
  });
});
