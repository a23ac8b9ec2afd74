import { describe, expect, it } from 'vitest';
import { LOCAL_EMBEDDING_DIMENSIONS, LocalEmbeddingModel } from './local-embedding.js';

const model = new LocalEmbeddingModel();

function similarity(left: string, right: string): number {
  const a = model.vectorOf(left);
  const b = model.vectorOf(right);
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
}

/** The candidates ordered by similarity to `query`, best first. */
function ranked(query: string, candidates: string[]): string[] {
  return [...candidates].sort((left, right) => similarity(query, right) - similarity(query, left));
}

const PASSAGES = [
  'Annual plans are refunded in full within 14 days of the first payment.',
  'Change the email address of your account under Settings, then Profile.',
  'Export fails with error E4012 when a workspace has more than 10,000 pages.',
  'Invoices can be downloaded as PDF from the Billing page.',
];

describe('LocalEmbeddingModel', () => {
  it('is deterministic across calls and instances, and fixed-size unit vectors', () => {
    const vector = model.vectorOf('How do I get a refund?');
    expect(new LocalEmbeddingModel().vectorOf('How do I get a refund?')).toEqual(vector);
    expect(vector).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
  });

  it('embeds a text without words as the zero vector (no NaN)', () => {
    expect(model.vectorOf('  ?! ').every((value) => value === 0)).toBe(true);
  });

  it('is good at lexical near-duplicates: a reordered sentence stays almost identical', () => {
    const reordered = 'Within 14 days of the first payment, annual plans are refunded in full.';
    expect(similarity(PASSAGES[0] ?? '', reordered)).toBeGreaterThan(0.9);
    expect(ranked(reordered, PASSAGES)[0]).toBe(PASSAGES[0]);
  });

  it('tolerates typos and inflections through stems and character trigrams', () => {
    expect(ranked('refnud for anual plans', PASSAGES)[0]).toBe(PASSAGES[0]);
    expect(ranked('downloding invoice pdfs', PASSAGES)[0]).toBe(PASSAGES[3]);
    expect(similarity('refunds', 'refund')).toBeGreaterThan(0.8);
  });

  it('matches on shared rare terms such as error codes', () => {
    expect(ranked('What does E4012 mean?', PASSAGES)[0]).toBe(PASSAGES[2]);
  });

  it('is bad at synonyms, paraphrase and other languages, as documented', () => {
    expect(similarity('How do I cancel my subscription?', 'Steps to end the plan you pay for')).toBeLessThan(0.1);
    expect(similarity('Download the invoice', 'Télécharger la facture')).toBeLessThan(0.1);
  });

  it('rejects a dimension too small to hash into', () => {
    expect(() => new LocalEmbeddingModel({ dimensions: 8 })).toThrow(RangeError);
    expect(new LocalEmbeddingModel({ dimensions: 64 }).vectorOf('refund')).toHaveLength(64);
  });
});
