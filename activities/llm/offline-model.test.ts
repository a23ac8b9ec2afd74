import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoKnowledge } from '../retrieval/seed-demo-knowledge.js';
import type { ChatRequest, ChatStreamPart, GroundingDocument } from './chat-model.js';
import { OFFLINE_NO_ANSWER_TEXT, OfflineChatModel, parseCitedSentences } from './offline-model.js';
import { collapseWhitespace } from './text.js';

const documents: GroundingDocument[] = [
  {
    id: 'invoices#1',
    title: 'Download invoices',
    text: 'Go to Settings, then Billing, then Invoices. Click Download PDF next to an invoice to download it. Invoices are emailed to the billing address on the issue date.',
  },
  {
    id: 'refunds#0',
    title: 'Refund policy',
    text: '## Annual plans\n\nAnnual plans are refunded in full within 14 days of the first payment. After 14 days, annual plans are not refunded.\n\n## Monthly plans\n\nMonthly plans are never refunded.',
  },
  {
    id: 'invoices#2',
    title: 'Invoice emails',
    text: 'Click Download PDF next to an invoice to download it. Up to 5 extra recipients can receive every invoice email.',
  },
];

function ask(question: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { purpose: 'synthesize', messages: [{ role: 'user', content: question }], documents, ...extra };
}

/** Splits offline output into `{ sentence, documentNumber }`; fails on any sentence without a marker. */
function citedPieces(text: string): { sentence: string; documentNumber: number }[] {
  return text.split(/(?<=\]) /).map((piece) => {
    const match = /^(.+) \[(\d+)\]$/.exec(piece);
    if (!match) throw new Error(`uncited output piece: ${piece}`);
    return { sentence: match[1] ?? '', documentNumber: Number(match[2]) };
  });
}

async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('OfflineChatModel', () => {
  const model = new OfflineChatModel();

  it('identifies itself as the offline provider', () => {
    expect([model.provider, model.modelId]).toEqual(['offline', 'offline-extractive-v1']);
  });

  it('answers extractively: every sentence verbatim from the document it cites, cited in range', async () => {
    const result = await model.generate(ask('How do I download an invoice?'));
    const pieces = citedPieces(result.text);
    expect(pieces.length).toBeGreaterThan(0);
    for (const { sentence, documentNumber } of pieces) {
      expect(documentNumber).toBeGreaterThanOrEqual(1);
      expect(documentNumber).toBeLessThanOrEqual(documents.length);
      expect(collapseWhitespace(documents[documentNumber - 1]?.text ?? '')).toContain(sentence);
    }
    expect(result.finishReason).toBe('stop');
  });

  it('picks the relevant sentences and skips near-duplicates from other documents', async () => {
    const result = await model.generate(ask('How do I download an invoice?'));
    // Document 3 repeats the sentence verbatim; "Go to Settings…" matches only "invoice" and scores too low.
    expect(result.text).toBe('Click Download PDF next to an invoice to download it. [1]');
  });

  it('uses section headings inside a document as context', async () => {
    const result = await model.generate(ask('Are annual plans refunded?'));
    expect(citedPieces(result.text)).toEqual([
      { sentence: 'Annual plans are refunded in full within 14 days of the first payment.', documentNumber: 2 },
      { sentence: 'After 14 days, annual plans are not refunded.', documentNumber: 2 },
    ]);
  });

  it('counts title and section heading words toward relevance', async () => {
    const result = await model.generate(
      ask('How do I rotate an API key?', {
        documents: [
          { id: 'keys', title: 'API keys', text: '## Rotate a key\n\nClick Rotate and copy the new secret.\n\n## Revoke\n\nRevoked secrets stop working at once.' },
          { id: 'hooks', title: 'Webhooks', text: 'Webhook endpoints receive events. Each endpoint has a signing secret.' },
        ],
      }),
    );
    expect(result.text).toBe('Click Rotate and copy the new secret. [1]');
  });

  it('prefers the sentence whose document title matches, and the document with more evidence', async () => {
    const rotation = (id: string, title: string, extra = '') => ({ id, title, text: `Rotate the API key on the ${id} page.${extra}` });
    const onlyOne = { maxOutputTokens: 12 };
    const byTitle = await model.generate(ask('How do I rotate an API key?', { ...onlyOne, documents: [rotation('blue', 'Console'), rotation('green', 'API keys')] }));
    expect(byTitle.text).toBe('Rotate the API key on the green page. [2]');
    const documents = [rotation('blue', 'Console'), rotation('green', 'Portal', ' A rotated API key works for one more day.')];
    const byEvidence = await model.generate(ask('How do I rotate an API key?', { ...onlyOne, documents }));
    expect(byEvidence.text).toBe('Rotate the API key on the green page. [2]');
  });

  it('answers nothing when no single sentence addresses enough of the question', async () => {
    const scattered = { id: 'scattered', title: 'Notes', text: 'Each API has limits. Each key has a name. Each rotation is logged.' };
    expect((await model.generate(ask('How do I rotate an API key?', { documents: [scattered] }))).text).toBe(OFFLINE_NO_ANSWER_TEXT);
  });

  it('refuses when most of the question is about something the documents never mention', async () => {
    const filler = Array.from({ length: 40 }, (_, index) => ({ id: `f${index}`, title: 'Webhooks', text: `Webhook endpoint ${index} receives events.` }));
    const vat = { id: 'vat', title: 'VAT', text: 'We charge VAT at the rate of your country, for example 20% in France.' };
    const documents = [vat, ...filler];
    expect((await model.generate(ask('What is the capital of France?', { documents }))).text).toBe(OFFLINE_NO_ANSWER_TEXT);
    expect((await model.generate(ask('How much VAT do you charge in France?', { documents }))).text).toBe(`${vat.text} [1]`);
  });

  it('is deterministic across calls and instances', async () => {
    const request = ask('Are annual plans refunded?');
    const first = await model.generate(request);
    expect(await model.generate(request)).toEqual(first);
    expect(await new OfflineChatModel().generate(request)).toEqual(first);
  });

  it('answers the last user message, not earlier ones', async () => {
    const result = await model.generate({
      purpose: 'synthesize',
      documents,
      messages: [
        { role: 'user', content: 'How do I download an invoice?' },
        { role: 'assistant', content: 'Click Download PDF.' },
        { role: 'user', content: 'Are monthly plans refunded?' },
      ],
    });
    expect(result.text).toBe('Monthly plans are never refunded. [2]');
  });

  it('says plainly that nothing relevant was found, without citations, when it cannot answer', async () => {
    const cases: ChatRequest[] = [
      ask('What is the capital of France?'),
      ask('How do I download an invoice?', { documents: [] }),
      { purpose: 'synthesize', messages: [{ role: 'user', content: 'How do I download an invoice?' }] },
      { purpose: 'synthesize', messages: [{ role: 'system', content: 'invoice' }], documents },
    ];
    for (const request of cases) {
      const result = await model.generate(request);
      expect(result.text).toBe(OFFLINE_NO_ANSWER_TEXT);
      expect(result.text).not.toMatch(/\[\d+\]/);
      expect(result.finishReason).toBe('stop');
    }
    expect(OFFLINE_NO_ANSWER_TEXT).toMatch(/knowledge base/);
    expect(OFFLINE_NO_ANSWER_TEXT).toMatch(/not guess/);
  });

  it('counts usage over system, messages and documents, and over the output', async () => {
    const request: ChatRequest = {
      purpose: 'synthesize',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Rotate keys?' }],
      documents: [{ id: 'keys', title: 'Keys', text: 'Rotate keys often.' }],
    };
    const result = await model.generate(request);
    expect(result.text).toBe('Rotate keys often. [1]');
    expect(result.usage).toEqual({ inputTokens: 3 + 3 + 1 + 4, outputTokens: 7 });
  });

  it('stays within maxOutputTokens, and returns an empty length-limited answer when nothing fits', async () => {
    const question = 'Are annual plans refunded?';
    const unlimited = await model.generate(ask(question));
    expect(unlimited.usage.outputTokens).toBe(17 + 13);
    const limited = await model.generate(ask(question, { maxOutputTokens: 20 }));
    expect(limited).toMatchObject({ text: 'After 14 days, annual plans are not refunded. [2]', finishReason: 'stop', usage: { outputTokens: 13 } });
    const tiny = await model.generate(ask(question, { maxOutputTokens: 5 }));
    expect(tiny).toMatchObject({ text: '', finishReason: 'length', usage: { outputTokens: 0 } });
  });

  it('answers at most four sentences', async () => {
    const many: GroundingDocument[] = Array.from({ length: 6 }, (_, index) => ({
      id: `d${index}`,
      title: 'API keys',
      text: `API key rotation step ${index + 1} keeps topic ${'x'.repeat(index + 3)} working.`,
    }));
    const result = await model.generate(ask('API key rotation', { documents: many }));
    expect(citedPieces(result.text).map((piece) => piece.documentNumber)).toEqual([1, 2, 3, 4]);
  });

  describe('against the demo help center', () => {
    let chunks: GroundingDocument[];

    beforeAll(async () => {
      const knowledge = await loadDemoKnowledge();
      chunks = knowledge.flatMap((document) => document.chunks.map((chunk) => ({ id: chunk.id, title: document.title, text: chunk.text })));
    });

    it('answers "How do I rotate an API key?" from the API-key article only, from all chunks', async () => {
      const result = await model.generate(ask('How do I rotate an API key?', { documents: chunks }));
      const pieces = citedPieces(result.text);
      expect(pieces.length).toBeGreaterThanOrEqual(2);
      const cited = pieces.map((piece) => chunks[piece.documentNumber - 1]);
      for (const [index, chunk] of cited.entries()) {
        expect(chunk?.id).toMatch(/^demo:default:api-keys#\d+$/);
        expect(collapseWhitespace(chunk?.text ?? '')).toContain(pieces[index]?.sentence);
      }
      const rotationChunk = chunks.find((chunk) => chunk.id.startsWith('demo:default:api-keys#') && chunk.text.includes('overlap window'));
      expect(cited).toContain(rotationChunk);
      expect(result.text).toContain('overlap window');
    });
  });
});

describe('OfflineChatModel.stream', () => {
  it('streams the generate text exactly, in word-sized deltas, then one finish part', async () => {
    const model = new OfflineChatModel();
    const request = ask('How do I download an invoice?');
    const generated = await model.generate(request);
    const parts = await collect(model.stream(request));
    const deltas = parts.slice(0, -1);
    expect(deltas.every((part) => part.type === 'text-delta' && part.text.trim() !== '' && !/\S\s+\S/.test(part.text))).toBe(true);
    expect(deltas.length).toBe(generated.text.split(' ').length);
    expect(deltas.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(generated.text);
    expect(parts.at(-1)).toEqual({ type: 'finish', result: generated });
  });

  it('streams the no-answer statement the same way', async () => {
    const parts = await collect(new OfflineChatModel().stream(ask('What is the capital of France?')));
    const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(text).toBe(OFFLINE_NO_ANSWER_TEXT);
  });
});

describe('OfflineChatModel latency', () => {
  const latencyMs = 120;

  it('waits at least latencyMs before the first delta and before generate resolves', async () => {
    const model = new OfflineChatModel({ latencyMs });
    // Lower bounds, not a benchmark. Timers may fire up to 1 ms early against performance.now().
    const streamStart = performance.now();
    const iterator = model.stream(ask('How do I download an invoice?'))[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(performance.now() - streamStart).toBeGreaterThanOrEqual(latencyMs - 1);
    expect(first.value).toMatchObject({ type: 'text-delta' });
    await iterator.return?.(undefined);

    const generateStart = performance.now();
    await model.generate(ask('How do I download an invoice?'));
    expect(performance.now() - generateStart).toBeGreaterThanOrEqual(latencyMs - 1);
  });

  it('stops waiting when aborted', async () => {
    const model = new OfflineChatModel({ latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = model.generate(ask('How do I download an invoice?'), { abortSignal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(model.generate(ask('x'), { abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('parseCitedSentences', () => {
  it('turns [n] markers in any position and style into claims', () => {
    const text = 'Keys rotate in Settings [1]. The old key works for 24 hours. [1][2] Revoked keys fail [2, 3]. No source here.';
    expect(parseCitedSentences(text)).toEqual([
      { text: 'Keys rotate in Settings.', documentNumbers: [1] },
      { text: 'The old key works for 24 hours.', documentNumbers: [1, 2] },
      { text: 'Revoked keys fail.', documentNumbers: [2, 3] },
      { text: 'No source here.', documentNumbers: [] },
    ]);
  });

  it('ignores Markdown links and deduplicates numbers in order', () => {
    expect(parseCitedSentences('See [1](https://x.example) first [3][1][3].')).toEqual([
      { text: 'See [1](https://x.example) first.', documentNumbers: [3, 1] },
    ]);
    expect(parseCitedSentences('')).toEqual([]);
  });

  it('round-trips offline output into the extracted sentences', async () => {
    const result = await new OfflineChatModel().generate(ask('Are annual plans refunded?'));
    expect(parseCitedSentences(result.text)).toEqual([
      { text: 'Annual plans are refunded in full within 14 days of the first payment.', documentNumbers: [2] },
      { text: 'After 14 days, annual plans are not refunded.', documentNumbers: [2] },
    ]);
  });
});
