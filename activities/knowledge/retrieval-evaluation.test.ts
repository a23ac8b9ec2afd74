import { describe, expect, it } from 'vitest';
import { loadDemoArticles } from '../retrieval/seed-demo-knowledge.js';
import { evaluationSplitOf, firstRelevantRank, loadEvaluationQuestions, metricsOf, normalizeForMatch, quantileMs } from './retrieval-evaluation.js';

describe('the retrieval question set', () => {
  it('labels every question with a quote found exactly once in its article and in no other', async () => {
    const questions = await loadEvaluationQuestions();
    const articles = new Map((await loadDemoArticles()).map((article) => [article.slug, normalizeForMatch(article.body)]));
    expect(questions.length).toBeGreaterThanOrEqual(80);
    expect(new Set(questions.map((question) => question.id)).size).toBe(questions.length);
    expect(new Set(questions.map((question) => question.slug))).toEqual(new Set(articles.keys()));
    for (const question of questions) {
      const quote = normalizeForMatch(question.quote);
      const homes = [...articles.entries()].filter(([, body]) => body.includes(quote)).map(([slug]) => slug);
      expect(homes, question.id).toEqual([question.slug]);
      expect(articles.get(question.slug)?.split(quote).length, question.id).toBe(2);
    }
  });
});

describe('scoring', () => {
  const question = { id: 'q', question: 'How long do refunds take?', slug: 'refund-policy', quote: 'reach cards in 5 to 10 business days' };

  it('finds the first chunk of the labelled article containing the quote, ignoring emphasis, case and line breaks', () => {
    const chunks = [
      { documentId: 'demo:t:refund-policy', text: 'Monthly plans are not refunded.' },
      { documentId: 'demo:t:invoices', text: 'Refunds reach cards in 5 to 10 business days.' },
      { documentId: 'demo:t:refund-policy', text: 'Approved refunds **reach cards** in 5 to\n10 business days.' },
    ];
    expect(firstRelevantRank(question, chunks)).toBe(3);
    expect(firstRelevantRank(question, chunks.slice(0, 2))).toBeNull();
  });

  it('computes recall@k and MRR from first-relevant ranks', () => {
    expect(metricsOf([1, 3, null, 6])).toEqual({ questions: 4, recallAt1: 0.25, recallAt5: 0.5, recallAt10: 0.75, mrr: Number(((1 + 1 / 3 + 1 / 6) / 4).toFixed(4)) });
  });
});

describe('the dev / held-out split and latency quantiles', () => {
  it('splits the questions deterministically by id into two non-empty halves', async () => {
    const questions = await loadEvaluationQuestions();
    const dev = questions.filter((question) => evaluationSplitOf(question.id) === 'dev');
    expect(dev.length).toBeGreaterThan(questions.length / 3);
    expect(dev.length).toBeLessThan((2 * questions.length) / 3);
    expect(questions.map((question) => evaluationSplitOf(question.id))).toEqual(questions.map((question) => evaluationSplitOf(question.id)));
  });

  it('takes nearest-rank quantiles', () => {
    expect(quantileMs([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantileMs([5, 1, 3, 2, 4], 0.95)).toBe(5);
    expect(quantileMs([], 0.5)).toBeNull();
  });
});
