/**
 * `npm run eval:retrieval`: indexes the demo help center into a real store (PGlite in memory + LanceDB in a
 * temporary directory), runs the labelled questions of `activities/knowledge/__fixtures__/retrieval-questions.json`
 * through vector-only, lexical-only, fused and fused + reranked retrieval, prints recall@5 and MRR for each and
 * writes `bench/results/retrieval-eval.json`. Runs with the local embedding default, and also with OpenAI
 * (`OPENAI_API_KEY`, model `AGENTCRAFT_EVAL_OPENAI_EMBEDDING_MODEL`, default text-embedding-3-small) or Ollama
 * (`OLLAMA_HOST`, model `AGENTCRAFT_EVAL_OLLAMA_EMBEDDING_MODEL`, default nomic-embed-text) when configured.
 * Exits non-zero when fused recall@5 with the local model misses the goal (0.9).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LanceDbVectorStore } from '../activities/knowledge/lancedb-vector-store.js';
import { TermProximityReranker } from '../activities/knowledge/rerank.js';
import { RRF_K } from '../activities/knowledge/reciprocal-rank-fusion.js';
import { DEPTH, evaluate, lexicalOverlap, loadEvaluationQuestions, metricsOf, RetrievalMode, type EvaluationQuestion } from '../activities/knowledge/retrieval-evaluation.js';
import type { EmbeddingModel } from '../activities/llm/embedding-model.js';
import { createEmbeddingModel, providerSettingsFromEnvironment } from '../activities/llm/providers/index.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { DEMO_CHUNK_OPTIONS, loadDemoArticles, seedDemoKnowledge } from '../activities/retrieval/seed-demo-knowledge.js';
import { createLogger } from '../domain/logger.js';

const GOAL_FUSED_RECALL_AT_5 = 0.9;
/** What was tried while tuning, measured with this script (local model, 147 questions); kept in the report. */
const TUNING_NOTES = [
  'lexical ranking ts_rank instead of ts_rank_cd: fused recall@5 0.844 -> 0.844 (MRR 0.653 -> 0.668), fused+rerank 0.884 -> 0.864; kept ts_rank_cd',
  'lexical length normalisation (ts_rank_cd flags 1|32): fused recall@5 0.844 -> 0.803; kept flag 32 only',
  'chunks of 160 tokens / 30 overlap instead of 300 / 45: fused recall@5 0.844 -> 0.830, fused+rerank 0.884 -> 0.878; kept 300 / 45',
  'term-proximity reranker: parameters fixed before the first run, not tuned; recall@5 gain on odd-numbered questions 0.865 -> 0.905 and on even-numbered 0.822 -> 0.863, so the retrieval stage uses it by default',
];
const TENANT = 'eval';
/** Questions sharing at most this share of their terms with the answering article count as paraphrases. */
const LOW_OVERLAP = 0.5;
const output = new URL('../bench/results/retrieval-eval.json', import.meta.url);
const MODES = Object.values(RetrievalMode);

async function runWith(model: EmbeddingModel, questions: EvaluationQuestion[], lowOverlap: Set<string>) {
  const store = createStore({ logger: createLogger({ level: 'silent' }) });
  const directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-eval-lancedb-'));
  const vectorStore = new LanceDbVectorStore({ directory, dimensions: model.dimensions });
  try {
    await store.migrate();
    const started = performance.now();
    const seeded = await seedDemoKnowledge(store, TENANT, { vectorStore, embeddingModel: model });
    const indexMs = Math.round(performance.now() - started);
    const chunks = await vectorStore.count({ tenantId: TENANT });
    const ranks = await evaluate({ store, vectorStore, embeddingModel: model, reranker: new TermProximityReranker() }, TENANT, questions, MODES);
    const results = Object.fromEntries(
      MODES.map((mode) => {
        const modeRanks = ranks.get(mode) ?? [];
        const paraphrased = modeRanks.filter((_, index) => lowOverlap.has(questions[index]?.id ?? ''));
        return [mode, { ...metricsOf(modeRanks), lowOverlap: metricsOf(paraphrased) }];
      }),
    );
    const fusedRanks = ranks.get('fused') ?? [];
    const missed = questions.filter((_, index) => (fusedRanks[index] ?? null) === null || (fusedRanks[index] ?? 99) > 5).map((question) => question.id);
    const firstRelevantRanks = Object.fromEntries(questions.map((question, index) => [question.id, Object.fromEntries(MODES.map((mode) => [mode, ranks.get(mode)?.[index] ?? null]))]));
    return { embeddingModel: `${model.provider}/${model.modelId}`, dimensions: model.dimensions, documents: seeded.inserted, chunks, indexMs, results, fusedMissedAt5: missed, firstRelevantRanks };
  } finally {
    await vectorStore.close();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Extra embedding models configured in the environment, or why each is skipped. */
function configuredModels(): { models: EmbeddingModel[]; skipped: string[] } {
  const settings = providerSettingsFromEnvironment();
  const models: EmbeddingModel[] = [];
  const skipped: string[] = [];
  if (settings.openai === undefined) skipped.push('openai: OPENAI_API_KEY is not set');
  else models.push(createEmbeddingModel({ provider: 'openai', modelId: process.env.AGENTCRAFT_EVAL_OPENAI_EMBEDDING_MODEL ?? 'text-embedding-3-small', ...settings }));
  if (settings.ollama === undefined) skipped.push('ollama: OLLAMA_HOST is not set');
  else models.push(createEmbeddingModel({ provider: 'ollama', modelId: process.env.AGENTCRAFT_EVAL_OLLAMA_EMBEDDING_MODEL ?? 'nomic-embed-text', ...settings }));
  return { models, skipped };
}

/** HEAD, and whether the working tree had uncommitted changes when the numbers were measured. */
function gitState(): { commit: string | null; workingTreeDirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
    return { commit, workingTreeDirty: status.trim() !== '' };
  } catch {
    return { commit: null, workingTreeDirty: null };
  }
}

async function lowOverlapIds(questions: EvaluationQuestion[]): Promise<Set<string>> {
  const articles = new Map((await loadDemoArticles()).map((article) => [article.slug, article.body]));
  return new Set(questions.filter((question) => lexicalOverlap(question.question, articles.get(question.slug) ?? '') <= LOW_OVERLAP).map((question) => question.id));
}

const questions = await loadEvaluationQuestions();
const lowOverlap = await lowOverlapIds(questions);
const runs = [await runWith(createEmbeddingModel({ provider: 'local' }), questions, lowOverlap)];
const { models, skipped } = configuredModels();
for (const model of models) runs.push(await runWith(model, questions, lowOverlap));

const local = runs[0];
const met = (local?.results.fused?.recallAt5 ?? 0) >= GOAL_FUSED_RECALL_AT_5;
const report = {
  command: 'npm run eval:retrieval',
  at: new Date().toISOString(),
  ...gitState(),
  node: process.version,
  questions: questions.length,
  lowOverlapQuestions: lowOverlap.size,
  lowOverlapDefinition: `at most ${LOW_OVERLAP * 100}% of the question's stemmed terms occur in the answering article`,
  depth: DEPTH,
  chunkOptions: DEMO_CHUNK_OPTIONS,
  fusion: { method: 'reciprocal rank fusion', k: RRF_K },
  goal: { fusedRecallAt5: GOAL_FUSED_RECALL_AT_5, met },
  skipped,
  tuningNotes: TUNING_NOTES,
  runs,
};
await mkdir(new URL('.', output), { recursive: true });
await writeFile(output, `${JSON.stringify(report, null, 2)}\n`);

const lines = [`${questions.length} questions (${lowOverlap.size} low-overlap paraphrases)`];
for (const run of runs) {
  lines.push(`${run.embeddingModel} (${run.chunks} chunks):`);
  for (const mode of MODES) {
    const metrics = run.results[mode];
    if (metrics !== undefined) lines.push(`  ${mode.padEnd(13)} recall@5 ${metrics.recallAt5.toFixed(3)}  MRR ${metrics.mrr.toFixed(3)}  (low-overlap recall@5 ${metrics.lowOverlap.recallAt5.toFixed(3)})`);
  }
}
for (const reason of skipped) lines.push(`skipped ${reason}`);
lines.push(met ? `goal met: fused recall@5 ≥ ${GOAL_FUSED_RECALL_AT_5}` : `GOAL MISSED: fused recall@5 < ${GOAL_FUSED_RECALL_AT_5}`, 'report: bench/results/retrieval-eval.json');
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = met ? 0 : 1;
