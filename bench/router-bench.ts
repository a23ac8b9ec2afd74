/**
 * `npm run bench:router`: the adaptive router against simulated providers (real timers, seeded randomness).
 * Workload: turns with a labelled complexity mix (50 % simple, 35 % moderate, 15 % complex), each turn = route
 * (JSON) + 1–2 agents + synthesize (streamed) + qa, with prompts built from the demo knowledge base and counted
 * by the real tokenizer. Providers fail at injected rates (529, 5xx, 429 with short or long retry-after,
 * network, stalls before and after the first token) and Anthropic has a full outage for the middle third.
 * A call the router gives up on with a retryable error is retried as Temporal would (new callId, 1 s then 2 s
 * backoff, up to 3 tries).
 * Reports: cost against always-premium (same tokens at the cheapest premium model's prices), share of turns
 * answered (some provider is always healthy here), added latency of a failover (call latency minus the
 * answering attempt's own), and router overhead per call (separate sequential phase with instant models).
 *   options: --turns N (default 400)  --concurrency C (default 32)  --overhead-calls N (default 2000)  --seed S
 */
import { appendFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart, ModelCallContext } from '../activities/llm/chat-model.js';
import { ProviderError, isProviderError } from '../activities/llm/provider-error.js';
import type { ProviderErrorKind } from '../activities/llm/provider-error.js';
import { RoutedChatModel, RouterError, countRequestTokens, loadModelCatalog, priceOf } from '../activities/llm/router/index.js';
import type { CatalogEntry } from '../activities/llm/router/index.js';
import type { Complexity } from '../domain/types.js';

const { values } = parseArgs({ options: { turns: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '32' }, 'overhead-calls': { type: 'string', default: '2000' }, seed: { type: 'string', default: '42' } } });
const TURNS = Number(values.turns);
const CONCURRENCY = Number(values.concurrency);
const OVERHEAD_CALLS = Number(values['overhead-calls']);

/** mulberry32: a small seeded PRNG so runs are comparable. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
const random = createRandom(Number(values.seed));
const between = (low: number, high: number): number => low + random() * (high - low);

/** Time to answer per model (ms) and the providers' background failure rates. */
const ANSWER_MS: Record<string, number> = { 'claude-haiku-4-5': 600, 'claude-sonnet-4-5': 1200, 'claude-opus-4-5': 2500, 'gpt-4.1-mini': 500, 'gpt-4.1': 1000, 'gpt-5': 3000, 'qwen2.5:7b': 900, 'llama3.1:8b': 1100, 'offline-extractive-v1': 5 };
const FAILURE_RATE: Record<string, number> = { anthropic: 0.1, openai: 0.05, ollama: 0.03, offline: 0 };
/** Failure kinds with their share and how long the provider takes to fail (the stall is the adapters' first-token deadline, assumed 1 s). */
const FAILURES: { kind: ProviderErrorKind; share: number; status?: number; ms: [number, number]; retryAfterMs?: [number, number] }[] = [
  { kind: 'overloaded', share: 0.4, status: 529, ms: [100, 400] },
  { kind: 'server', share: 0.15, status: 500, ms: [100, 800] },
  { kind: 'rate-limited', share: 0.15, status: 429, ms: [30, 120], retryAfterMs: [200, 800] },
  // A quota exhausted for 5–20 s: the model answers 429 to every call until then (see `rateLimitedUntil`).
  { kind: 'rate-limited', share: 0.05, status: 429, ms: [30, 120], retryAfterMs: [5_000, 20_000] },
  { kind: 'network', share: 0.1, ms: [5, 50] },
  { kind: 'stalled', share: 0.1, ms: [1_000, 1_000] },
  { kind: 'stalled', share: 0.05, ms: [200, 600] }, // after the first token (streamed calls only): the activity retries
];

const outage = { provider: 'anthropic', active: false };
/** Per model: epoch ms until which its simulated quota is exhausted. */
const rateLimitedUntil = new Map<string, number>();

/** A provider simulated with timers: answers after its latency or fails by the injected rates. */
class SimulatedModel implements ChatModel {
  constructor(readonly provider: string, readonly modelId: string, private readonly instant: boolean) {}
  async generate(request: ChatRequest, options?: CallOptions): Promise<ChatResult> {
    const parts: ChatStreamPart[] = [];
    for await (const part of this.stream(request, options)) parts.push(part);
    const finish = parts.at(-1);
    if (finish?.type !== 'finish') throw new Error('no finish');
    return finish.result;
  }
  async *stream(request: ChatRequest, _options?: CallOptions): AsyncIterable<ChatStreamPart> {
    const usage = { inputTokens: usageOf(request), outputTokens: Math.round((request.maxOutputTokens ?? 500) * between(0.2, 0.5)) };
    const result: ChatResult = { text: 'answer', usage, finishReason: 'stop', provider: this.provider, modelId: this.modelId };
    if (this.instant) {
      yield { type: 'finish', result };
      return;
    }
    const quotaResetMs = (rateLimitedUntil.get(this.modelId) ?? 0) - Date.now();
    if (quotaResetMs > 0) {
      await sleep(between(30, 120));
      throw new ProviderError('simulated quota', { kind: 'rate-limited', status: 429, retryAfterMs: quotaResetMs, provider: this.provider, modelId: this.modelId });
    }
    const inOutage = outage.active && this.provider === outage.provider;
    const failure = inOutage ? FAILURES[0] : random() < (FAILURE_RATE[this.provider] ?? 0) ? pickFailure() : undefined;
    const afterFirstToken = failure !== undefined && failure === FAILURES.at(-1);
    if (failure !== undefined && !afterFirstToken) {
      await sleep(between(...failure.ms));
      const retryAfterMs = failure.retryAfterMs === undefined ? undefined : Math.round(between(...failure.retryAfterMs));
      if (retryAfterMs !== undefined && retryAfterMs > 1_000) rateLimitedUntil.set(this.modelId, Date.now() + retryAfterMs);
      throw new ProviderError(`simulated ${failure.kind}`, { kind: failure.kind, status: failure.status, retryAfterMs, provider: this.provider, modelId: this.modelId });
    }
    await sleep((ANSWER_MS[this.modelId] ?? 1000) * between(0.3, 0.5));
    yield { type: 'text-delta', text: 'first ' };
    if (failure !== undefined) throw new ProviderError('simulated stall', { kind: 'stalled', provider: this.provider, modelId: this.modelId, afterFirstToken: true });
    await sleep((ANSWER_MS[this.modelId] ?? 1000) * between(0.5, 0.7));
    yield { type: 'text-delta', text: 'tokens' };
    yield { type: 'finish', result };
  }
}

function pickFailure(): (typeof FAILURES)[number] {
  let draw = random();
  for (const failure of FAILURES) if ((draw -= failure.share) < 0) return failure;
  return FAILURES[0]!;
}

/** Precomputed input tokens per prompt text (simulated providers report usage without tokenizing again). */
const promptTokens = new Map<string, number>();
const usageOf = (request: ChatRequest): number => promptTokens.get(request.messages[0]?.content ?? '') ?? 1_000;

async function knowledgeText(): Promise<string[]> {
  const directory = new URL('../activities/retrieval/demo-knowledge/', import.meta.url);
  const names = (await readdir(directory)).filter((name) => name.endsWith('.md')).sort();
  return Promise.all(names.map((name) => readFile(new URL(name, directory), 'utf8')));
}

type Purpose = 'route' | 'agent' | 'synthesize' | 'qa';
interface CallSpec { purpose: Purpose; stream: boolean; request: ChatRequest }
const OUTPUT_TOKENS: Record<Purpose, number> = { route: 200, agent: 800, synthesize: 1_000, qa: 200 };

function turnCalls(documents: string[], complexity: Complexity): CallSpec[] {
  const pick = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `d${index}`, title: `doc ${index}`, text: documents[Math.floor(random() * documents.length)]!.slice(0, 2_500) }));
  const question = `Customer question ${Math.floor(random() * 1e9)}: how do refunds, plan changes and invoices interact?`;
  const make = (purpose: Purpose, docs: number, stream = false): CallSpec => ({
    purpose,
    stream,
    request: { purpose, messages: [{ role: 'user', content: `${purpose} ${question}` }], documents: pick(docs), maxOutputTokens: OUTPUT_TOKENS[purpose], ...(purpose === 'route' ? { responseFormat: { type: 'json' as const, name: 'route', schema: { type: 'object' } } } : {}) },
  });
  const agents = complexity === 'simple' ? 1 : 2;
  return [make('route', 0), ...Array.from({ length: agents }, () => make('agent', 3)), make('synthesize', 4, true), make('qa', 2)];
}

function createRouter(instant: boolean, catalogFilter: (entry: CatalogEntry) => boolean) {
  const catalog = loadModelCatalog();
  return new RoutedChatModel({ catalog, budgets: { turnUsd: 0.5, conversationUsd: 5 }, createChatModel: (entry) => (catalogFilter(entry) ? new SimulatedModel(entry.provider, entry.modelId, instant) : undefined) });
}

async function runCall(router: RoutedChatModel, spec: CallSpec, context: Omit<ModelCallContext, 'callId'>, turn: number, index: number) {
  const started = performance.now();
  let lastError = '';
  for (let temporalAttempt = 1; temporalAttempt <= 3; temporalAttempt += 1) {
    const options = { context: { ...context, callId: `turn-${turn}-${index}:${temporalAttempt}` } };
    const callStarted = performance.now();
    try {
      let result: ChatResult | undefined;
      if (spec.stream) {
        for await (const part of router.stream(spec.request, options)) if (part.type === 'finish') result = part.result;
      } else result = await router.generate(spec.request, options);
      if (result === undefined) throw new Error('no result');
      const wall = performance.now() - callStarted;
      const answering = result.attempts?.at(-1)?.latencyMs ?? wall;
      const failedOver = (result.attempts ?? []).some((attempt) => attempt.outcome === 'failed');
      return { ok: true, result, temporalAttempt, failoverAddedMs: failedOver ? wall - answering : undefined, totalMs: performance.now() - started };
    } catch (error) {
      const retryable = (error instanceof RouterError && error.retryable) || (isProviderError(error) && error.retryable);
      lastError = error instanceof Error ? `${error.name}: ${error.message.slice(0, 90)}` : String(error);
      if (!retryable) return { ok: false, error: lastError, temporalAttempt, totalMs: performance.now() - started };
      if (temporalAttempt < 3) await sleep(1_000 * 2 ** (temporalAttempt - 1)); // Temporal's default backoff: 1 s, 2 s
    }
  }
  return { ok: false, error: `after 3 tries: ${lastError}`, temporalAttempt: 3, totalMs: performance.now() - started };
}

const percentile = (samples: number[], fraction: number): number => {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted.length === 0 ? Number.NaN : Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]! * 1000) / 1000;
};
const stats = (samples: number[]) => ({ count: samples.length, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), p99: percentile(samples, 0.99), max: percentile(samples, 1) });

async function workload(name: string, documents: string[], catalogFilter: (entry: CatalogEntry) => boolean) {
  const router = createRouter(false, catalogFilter);
  const premiums = loadModelCatalog().models.filter((entry) => entry.tier === 'premium' && catalogFilter(entry)).sort((left, right) => left.inputUsdPerMillionTokens + left.outputUsdPerMillionTokens - right.inputUsdPerMillionTokens - right.outputUsdPerMillionTokens);
  const premium = premiums[0]!;
  const dearestPremium = premiums.at(-1)!;
  const complexities: Complexity[] = Array.from({ length: TURNS }, () => { const draw = random(); return draw < 0.5 ? 'simple' : draw < 0.85 ? 'moderate' : 'complex'; });
  const turns = complexities.map((complexity) => ({ complexity, calls: turnCalls(documents, complexity) }));
  for (const { calls } of turns) for (const { request } of calls) promptTokens.set(request.messages[0]!.content, countRequestTokens(request));
  let routedCost = 0, premiumCost = 0, dearestPremiumCost = 0, answered = 0, answeredFirstTry = 0, healthyTurns = 0, answeredHealthy = 0;
  // Every call of a turn needs JSON or plain text; the route call needs JSON, so only JSON-capable models count as healthy.
  const jsonModels = loadModelCatalog().models.filter((entry) => catalogFilter(entry) && entry.capabilities.includes('json'));
  const someProviderHealthy = () => jsonModels.some((entry) => !(outage.active && entry.provider === outage.provider) && (rateLimitedUntil.get(entry.modelId) ?? 0) <= Date.now());
  const failover: number[] = [];
  const byModel: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    for (let turn = next++; turn < turns.length; turn = next++) {
      outage.active = turn > turns.length / 3 && turn < (2 * turns.length) / 3;
      const { complexity, calls } = turns[turn]!;
      const context = { tenantId: 'bench', conversationId: `conversation-${turn}`, turnId: `turn-${turn}`, complexity };
      const healthy = someProviderHealthy();
      const results = await Promise.all(calls.map((spec, index) => runCall(router, spec, context, turn, index)));
      const ok = results.every((result) => result.ok);
      if (ok) answered += 1;
      if (healthy) healthyTurns += 1;
      if (healthy && ok) answeredHealthy += 1;
      if (results.every((result) => result.ok && result.temporalAttempt === 1)) answeredFirstTry += 1;
      for (const result of results) {
        if (!result.ok && result.error !== undefined) errors[result.error] = (errors[result.error] ?? 0) + 1;
        if (!result.ok || result.result === undefined) continue;
        routedCost += result.result.costUsd ?? 0;
        premiumCost += priceOf(premium, result.result.usage.inputTokens, result.result.usage.outputTokens);
        dearestPremiumCost += priceOf(dearestPremium, result.result.usage.inputTokens, result.result.usage.outputTokens);
        const key = `${result.result.provider}/${result.result.modelId}`;
        byModel[key] = (byModel[key] ?? 0) + 1;
        if (result.failoverAddedMs !== undefined) failover.push(result.failoverAddedMs);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  outage.active = false;
  return { name, turns: TURNS, premiumBaseline: premium.id, routedCostUsd: routedCost, alwaysPremiumCostUsd: premiumCost, costRatio: routedCost / premiumCost, dearestPremiumBaseline: dearestPremium.id, alwaysDearestPremiumCostUsd: dearestPremiumCost, dearestCostRatio: routedCost / dearestPremiumCost, answeredShare: answered / TURNS, turnsStartedWhileHealthy: healthyTurns, answeredWhileHealthyShare: answeredHealthy / healthyTurns, answeredWithoutActivityRetryShare: answeredFirstTry / TURNS, failoverAddedMs: stats(failover), answersByModel: byModel, unansweredCalls: errors };
}

async function overhead(documents: string[]) {
  const router = createRouter(true, () => true);
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let call = 0; call < OVERHEAD_CALLS; call += 1) {
    const complexity: Complexity = call % 3 === 0 ? 'simple' : call % 3 === 1 ? 'moderate' : 'complex';
    const spec = turnCalls(documents, complexity)[call % 4]!;
    promptTokens.set(spec.request.messages[0]!.content, countRequestTokens(spec.request));
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    await router.generate(spec.request, { context: { tenantId: 'bench', conversationId: `c${call}`, turnId: `t${call}`, callId: `o${call}`, complexity } });
    if (call < 100) continue; // the first 100 warm up the JIT and tokenizer caches
    samples.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStarted);
    cpuSamples.push((cpu.user + cpu.system) / 1000);
  }
  return { wall: stats(samples), cpu: stats(cpuSamples), loadAverage: os.loadavg()[0] };
}

async function main(): Promise<void> {
  const documents = await knowledgeText();
  const routerOverheadMs = await overhead(documents);
  const withLocal = await workload('anthropic + openai + ollama + offline', documents, () => true);
  const cloudOnly = await workload('anthropic + openai + offline (no local model)', documents, (entry) => entry.provider !== 'ollama');
  const extra = process.argv.slice(2).join(' ');
  const command = extra === '' ? 'npm run bench:router' : `npm run bench:router -- ${extra}`;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const report = { date: new Date().toISOString(), command, machine, seed: Number(values.seed), concurrency: CONCURRENCY, routerOverheadMs, scenarios: [withLocal, cloudOnly] };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/router-bench.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
  const rows = report.scenarios.map((scenario) => `| ${scenario.name} | ${scenario.turns} | $${round(scenario.routedCostUsd)} vs $${round(scenario.alwaysPremiumCostUsd)} ${scenario.premiumBaseline} (${round(scenario.costRatio * 100, 1)} %); vs $${round(scenario.alwaysDearestPremiumCostUsd)} ${scenario.dearestPremiumBaseline} (${round(scenario.dearestCostRatio * 100, 1)} %) | ${round(scenario.answeredWhileHealthyShare * 100, 2)} % of ${scenario.turnsStartedWhileHealthy} (all turns: ${round(scenario.answeredShare * 100, 2)} %, ${round(scenario.answeredWithoutActivityRetryShare * 100, 2)} % without an activity retry) | ${scenario.failoverAddedMs.count} failovers: ${Math.round(scenario.failoverAddedMs.p50)} / ${Math.round(scenario.failoverAddedMs.p95)} / ${Math.round(scenario.failoverAddedMs.max)} |`);
  const section = `\n## ${report.date} — \`${command}\` (router)\n${machine}; simulated providers (seed ${report.seed}, ${CONCURRENCY} turns in parallel), in-process breaker and ledger. Goals (issue 4): 100 % answered, failover p95 ≤ 1500 ms, router overhead p95 ≤ 2 ms.\n\nRouter overhead per call (${routerOverheadMs.wall.count} sequential calls, instant models, real tokenizer on ~0.1–3k-token prompts, 1-min load average ${round(routerOverheadMs.loadAverage ?? 0, 1)} on this shared machine): wall p50 ${routerOverheadMs.wall.p50} / p95 ${routerOverheadMs.wall.p95} / p99 ${routerOverheadMs.wall.p99} ms; CPU time p50 ${routerOverheadMs.cpu.p50} / p95 ${routerOverheadMs.cpu.p95} / p99 ${routerOverheadMs.cpu.p99} ms.\n\n| providers | turns | cost routed vs always-premium | turns answered when ≥1 provider healthy at start | added failover latency ms p50 / p95 / max |\n|---|---|---|---|---|\n${rows.join('\n')}\n`;
  await appendFile(new URL('./RESULTS.md', import.meta.url), section);
  console.log(JSON.stringify(report, null, 2));
}

await main();
