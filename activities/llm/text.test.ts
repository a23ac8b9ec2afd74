import { describe, expect, it } from 'vitest';
import { collapseWhitespace, countTokens, segmentSentences, splitSentences, terms, tokenSpans } from './text.js';

describe('splitSentences', () => {
  it('does not end sentences at abbreviations, decimals, prices or URLs', () => {
    const text =
      'Use a scoped key, e.g. one with `runs:read` only. Version 1.5 costs $12.50/month. ' +
      'Ask Dr. Smith, i.e. the owner. See https://help.brightloom.example/articles/api-keys?tab=rotate. Done!';
    expect(splitSentences(text)).toEqual([
      'Use a scoped key, e.g. one with `runs:read` only.',
      'Version 1.5 costs $12.50/month.',
      'Ask Dr. Smith, i.e. the owner.',
      'See https://help.brightloom.example/articles/api-keys?tab=rotate.',
      'Done!',
    ]);
  });

  it('keeps "No." and "Fig." before a number, but ends a sentence at a standalone "No."', () => {
    expect(splitSentences('See Fig. 3 and invoice No. 12 for details. Is it free? No. It costs $5.')).toEqual([
      'See Fig. 3 and invoice No. 12 for details.',
      'Is it free?',
      'No.',
      'It costs $5.',
    ]);
  });

  it('makes headings, list items and table rows sentences of their own, without Markdown markers', () => {
    const text = [
      '## Rotate an API key',
      '',
      'Rotating keeps the old secret for a while.',
      '1. Go to **Settings**. Click **Rotate**.',
      '2. Copy the new secret',
      '- Deploy it',
      '  everywhere.',
      '',
      '| Plan | Price |',
      '|------|-------|',
      '| Team | $39 |',
    ].join('\n');
    expect(segmentSentences(text)).toEqual([
      { text: 'Rotate an API key', kind: 'heading' },
      { text: 'Rotating keeps the old secret for a while.', kind: 'paragraph' },
      { text: 'Go to **Settings**.', kind: 'list-item' },
      { text: 'Click **Rotate**.', kind: 'list-item' },
      { text: 'Copy the new secret', kind: 'list-item' },
      { text: 'Deploy it everywhere.', kind: 'list-item' },
      { text: 'Plan | Price', kind: 'table-row' },
      { text: 'Team | $39', kind: 'table-row' },
    ]);
  });

  it('joins soft-wrapped paragraph lines and keeps code lines apart, ignoring "#" inside fences', () => {
    const text = ['Send the key in the', 'Authorization header. Then retry.', '', '```bash', '# not a heading', 'curl -H "Authorization: Bearer blm_live_x"', '```'].join('\n');
    expect(segmentSentences(text)).toEqual([
      { text: 'Send the key in the Authorization header.', kind: 'paragraph' },
      { text: 'Then retry.', kind: 'paragraph' },
      { text: '# not a heading', kind: 'code' },
      { text: 'curl -H "Authorization: Bearer blm_live_x"', kind: 'code' },
    ]);
  });

  it('keeps citation markers with the sentence before them', () => {
    expect(splitSentences('Keys rotate. [1] The old key works for 24 hours. [1][2] Revoked keys fail [3].')).toEqual([
      'Keys rotate. [1]',
      'The old key works for 24 hours. [1][2]',
      'Revoked keys fail [3].',
    ]);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('  \n\n---\n|---|---|\n')).toEqual([]);
  });

  it('returns sentences verbatim from the input up to whitespace', () => {
    const text = 'Invoices are emailed\non the issue date.  Each one is a PDF.\n\n- Owners can\n  download them.';
    const normalized = collapseWhitespace(text);
    for (const sentence of splitSentences(text)) expect(normalized).toContain(sentence);
  });
});

describe('terms', () => {
  it('lowercases, drops stopwords and question filler, and stems', () => {
    expect(terms('How do I rotate an API key?')).toEqual(['rotat', 'api', 'kei']);
    expect(terms('What does it cost during an outage?')).toEqual(['cost', 'outag']);
  });

  it('keeps Unicode words, decimals, grouped numbers and alphanumerics whole', () => {
    expect(terms("Café déjà-vu: GRÖSSE 1.5 and 1,000 runs; 2FA customer's invoices")).toEqual([
      'café',
      'déjà',
      'vu',
      'grösse',
      '1.5',
      '1,000',
      'run',
      '2fa',
      'custom',
      'invoic',
    ]);
  });

  it('keeps duplicates (term frequency) and maps inflections to one stem', () => {
    expect(terms('Rotate rotating rotation, keys key.')).toEqual(['rotat', 'rotat', 'rotat', 'kei', 'kei']);
  });

  it('returns no terms for stopwords and punctuation only', () => {
    expect(terms('How do I ... and, or?')).toEqual([]);
  });
});

describe('countTokens', () => {
  it('counts word pieces and punctuation characters', () => {
    expect(countTokens('Hello, world! 1.5')).toBe(7);
    expect(countTokens('`blm_live_x`')).toBe(7);
    expect(countTokens('')).toBe(0);
    expect(countTokens(' \n\t ')).toBe(0);
  });

  it('is additive across whitespace', () => {
    const left = 'Rotate the key (every 90 days).';
    const right = 'Then revoke the old one!';
    expect(countTokens(`${left}\n\n${right}`)).toBe(countTokens(left) + countTokens(right));
  });

  it('agrees with tokenSpans, whose spans cover the token pieces', () => {
    const text = 'Hi, you';
    expect(tokenSpans(text)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 4, end: 7 },
    ]);
    expect(tokenSpans(text)).toHaveLength(countTokens(text));
  });
});
