/**
 * `npm run bench:lexical`: lexical knowledge search (`Store.searchKnowledge`, BM25 over PostgreSQL full text)
 * at growing knowledge-base sizes, on PGlite in memory (the embedded default) or PostgreSQL (`DATABASE_URL`; the
 * database must exist, a fresh schema is used). Synthetic help-centre chunks (`bench/retrieval-corpus.ts`) in
 * documents of 20 chunks; user-like queries drawn from the chunks; 40 hits per query (what hybrid search asks
 * for). Reports ingestion time and query latency p50/p95/p99 per size, with the load average, and for the first
 * `--recall-queries` queries how much of exact BM25's top 10 the bounded candidate set finds (recall@10; exact
 * scoring ranks every chunk holding a query term, and its latency is reported too).
 *   options: --sizes 1000,5000,20000 (chunks)  --queries N (200)  --recall-queries N (20)  --seed S (42)
 *            --out FILE  --no-write
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createDatabase } from '../activities/persistence/database.js';
import { BM25, BM25_EXACT_BUDGET, searchKnowledge } from '../activities/persistence/knowledge-queries.js';
import { KyselyStore } from '../activities/persistence/kysely-store.js';
import { createLogger } from '../domain/logger.js';
import { createRandom, generateChunk, generateQuery, loadArticles } from './retrieval-corpus.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000,20000' },
    queries: { type: 'string', default: '200' },
    'recall-queries': { type: 'string', default: '20' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'bench/results/lexical-bench.json' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SIZES = values.sizes.split(',').map(Number).filter((size) => size > 0).sort((left, right) => left - right);
const QUERIES = Number(values.queries);
const RECALL_QUERIES = Number(values['recall-queries']);
const CHUNKS_PER_DOCUMENT = 20;
const LIMIT = 40;
const TENANT = 'bench-tenant';

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
function summary(samples: number[]) {
  const sorted = [...samples].sort((left, right) => left - right);
  const at = (fraction: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted.at(-1) ?? Number.NaN) };
}

const databaseUrl = process.env.DATABASE_URL;
const database = createDatabase({ ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }), logger: createLogger({ level: 'silent' }) });
const store = new KyselyStore(database);
await store.migrate();
const articles = await loadArticles();
const random = createRandom(Number(values.seed));
const sampleTexts: string[] = [];
const results: Record<string, unknown>[] = [];
let documents = 0;
const started = performance.now();
for (const size of SIZES) {
  const ingestStarted = performance.now();
  while (documents * CHUNKS_PER_DOCUMENT < size) {
    const chunks = Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, ordinal) => {
      const chunk = generateChunk(random, articles);
      if (ordinal % 7 === 3) sampleTexts.push(chunk.text);
      return { id: `bench-${documents}#${ordinal}`, ordinal, heading: chunk.heading, text: chunk.text };
    });
    const article = articles[documents % articles.length];
    await store.upsertKnowledgeDocument({ id: `bench-${documents}`, tenantId: TENANT, sourceId: 'bench', title: article?.title ?? 'Help', url: null, contentHash: `bench-${documents}`, updatedAt: '2026-11-20T10:00:00.000Z', chunks });
    documents += 1;
  }
  const ingestSeconds = round((performance.now() - ingestStarted) / 1000);
  const queryRandom = createRandom(Number(values.seed) + size);
  const texts = Array.from({ length: QUERIES }, () => generateQuery(queryRandom, sampleTexts[Math.floor(queryRandom() * sampleTexts.length)] ?? ''));
  for (const text of texts.slice(0, 10)) await store.searchKnowledge({ tenantId: TENANT, query: text, limit: LIMIT });
  const latencies: number[] = [];
  const loadBefore = os.loadavg()[0] ?? 0;
  for (const text of texts) {
    const queryStarted = performance.now();
    await store.searchKnowledge({ tenantId: TENANT, query: text, limit: LIMIT });
    latencies.push(performance.now() - queryStarted);
  }
  const loadAverage = round(((os.loadavg()[0] ?? 0) + loadBefore) / 2);
  const exactness = await recallAgainstExact(texts.slice(0, RECALL_QUERIES));
  const result = { chunks: documents * CHUNKS_PER_DOCUMENT, ingestSecondsForThisStep: ingestSeconds, latencyMs: summary(latencies), loadAverage, ...exactness };
  results.push(result);
  console.log(
    `${result.chunks} chunks: p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms (load ${loadAverage}; ingest ${ingestSeconds} s); recall@10 vs exact ${exactness.recallAt10VsExact} over ${exactness.recallQueries} queries (exact scoring p50 ${exactness.exactLatencyMs.p50} ms)`,
  );
}
await store.close();

/** Recall@10 of the default search against exact BM25 (every matching chunk scored), over the given queries. */
async function recallAgainstExact(queries: string[]) {
  const recalls: number[] = [];
  const exactLatencies: number[] = [];
  for (const text of queries) {
    const input = { tenantId: TENANT, query: text, limit: LIMIT };
    const exactStarted = performance.now();
    const exact = (await searchKnowledge(database, input, { exactBudget: Number.POSITIVE_INFINITY })).slice(0, 10);
    exactLatencies.push(performance.now() - exactStarted);
    if (exact.length === 0) continue;
    const expected = new Set(exact.map((hit) => hit.chunkId));
    const bounded = (await store.searchKnowledge(input)).slice(0, 10);
    recalls.push(bounded.filter((hit) => expected.has(hit.chunkId)).length / expected.size);
  }
  return { recallQueries: recalls.length, recallAt10VsExact: round(recalls.reduce((sum, value) => sum + value, 0) / Math.max(1, recalls.length), 3), exactLatencyMs: summary(exactLatencies) };
}

let commit = 'unknown';
try {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
  commit = dirty ? `${head} (working tree with uncommitted changes)` : head;
} catch {
  // Not a git checkout: the commit stays unknown.
}
const cpus = os.cpus();
const output = {
  date: new Date().toISOString(),
  command: `${databaseUrl === undefined || databaseUrl === '' ? '' : 'DATABASE_URL=<postgres> '}npm run bench:lexical -- ${process.argv.slice(2).join(' ')}`.trim(),
  machine: `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  database: databaseUrl === undefined || databaseUrl === '' ? 'PGlite in memory' : 'PostgreSQL',
  gitCommit: commit,
  ranking: { method: 'BM25', ...BM25, exactBudgetPostings: BM25_EXACT_BUDGET },
  hitsPerQuery: LIMIT,
  queriesPerSize: QUERIES,
  totalSeconds: round((performance.now() - started) / 1000),
  results,
};
if (!values['no-write']) await writeFile(values.out, `${JSON.stringify(output, null, 2)}\n`);
console.log(values['no-write'] ? 'done' : `results written to ${values.out}`);
