/**
 * `npm run eval:retrieval` as a process, with an embedding provider configured: a local stand-in for Ollama's
 * `POST /api/embed` (vectors from the hashing model at 768 dimensions, the size of nomic-embed-text). Proves the
 * "where a real model is configured" path: both runs land in the report, with what the extra model adds.
 * (The stand-in is no semantic model, so the numbers say nothing about real models; the plumbing is the point.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbeddingModel } from '../activities/llm/providers/local-embedding.js';

let server: Server;
let directory: string;
let embedRequests = 0;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'agentcraft-eval-'));
  const model = new LocalEmbeddingModel({ dimensions: 768 });
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/api/embed') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
        return;
      }
      embedRequests += 1;
      const { model: modelId, input } = JSON.parse(body) as { model: string; input: string[] | string };
      const texts = Array.isArray(input) ? input : [input];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model: modelId, embeddings: texts.map((text) => model.vectorOf(text)), prompt_eval_count: texts.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await rm(directory, { recursive: true, force: true });
});

function runEval(environment: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/eval-retrieval.ts'], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run eval:retrieval with an embedding provider configured', () => {
  it('evaluates the configured model beside the local default and reports what it adds', async () => {
    const output = path.join(directory, 'report.json');
    const { port } = server.address() as AddressInfo;
    const { code, stdout, stderr } = await runEval({ OLLAMA_HOST: `http://127.0.0.1:${port}`, AGENTCRAFT_EVAL_OLLAMA_EMBEDDING_MODEL: 'nomic-embed-text', AGENTCRAFT_EVAL_OUTPUT: output, AGENTCRAFT_EVAL_SPLIT: 'dev', OPENAI_API_KEY: '' });
    expect(code, stderr).toBe(0);
    expect(embedRequests).toBeGreaterThan(0);
    const report = JSON.parse(await readFile(output, 'utf8')) as {
      runs: { embeddingModel: string; dimensions: number; results: Record<string, { recallAt5: number; mrr: number }> }[];
      comparisons: { embeddingModel: string; versusLocal: Record<string, { recallAt5: number; mrr: number }> }[];
      skipped: string[];
    };
    expect(report.runs.map((run) => `${run.embeddingModel}/${run.dimensions}`)).toEqual(['local/hashed-ngrams-v1/1024', 'ollama/nomic-embed-text/768']);
    const [local, ollama] = report.runs;
    const fused = report.comparisons[0]?.versusLocal.fused;
    expect(report.comparisons[0]?.embeddingModel).toBe('ollama/nomic-embed-text');
    expect(fused?.recallAt5).toBeCloseTo((ollama?.results.fused?.recallAt5 ?? 0) - (local?.results.fused?.recallAt5 ?? 0), 4);
    expect(fused?.mrr).toBeCloseTo((ollama?.results.fused?.mrr ?? 0) - (local?.results.fused?.mrr ?? 0), 4);
    expect(report.skipped).toEqual(['openai: OPENAI_API_KEY is not set']);
    expect(stdout).toMatch(/ollama\/nomic-embed-text vs the local default: fused recall@5 [+-]\d\.\d{3}, MRR [+-]\d\.\d{3}/);
  }, 120_000);
});
