/**
 * `npm run bench:turn`: turns through the real API (Express → Temporal update-with-start → worker →
 * event log → `?wait=true` response) on a local dev server, offline model at zero latency.
 * Reports turn latency p50/p95/p99, orchestration overhead per turn (latency minus the time spent
 * inside activities on the critical path), per-activity time, sustained turns per second, and the CPU time
 * per turn of this process and of the dev server (Linux; the machine may be shared, its load is recorded).
 * Writes bench/results/turn-bench.json and appends a summary to bench/RESULTS.md.
 *   options: --sequential N (default 100)  --concurrent N (default 400)  --clients C (default 20)
 *            --no-record (print the report only: for profiling and comparing changes)
 *   DATABASE_URL=postgres://… uses PostgreSQL instead of PGlite (the database must exist; it is migrated).
 */
import { readFileSync } from 'node:fs';
import { mkdir, appendFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer } from '../api/server.js';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import { OfflineChatModel } from '../activities/llm/offline-model.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { seedDemoKnowledge } from '../activities/retrieval/seed-demo-knowledge.js';
import { DEFAULT_TENANT_ID } from '../domain/constants.js';
import { createLogger } from '../domain/logger.js';
import { createAgentcraftWorker } from '../workers/create-worker.js';
import { startDevServer } from '../workers/dev-server.js';
import { installTemporalRuntime } from '../workers/runtime.js';

const { values } = parseArgs({ options: { sequential: { type: 'string', default: '100' }, concurrent: { type: 'string', default: '400' }, clients: { type: 'string', default: '20' }, 'no-record': { type: 'boolean', default: false } } });
const QUESTIONS = ['How do I rotate an API key?', 'How do I download an invoice?', 'How do I set up SAML single sign-on?', 'How do I export all my data?', 'What happens to my data under GDPR erasure?', 'Where can I see the status page during an outage?'];

/** Activity execution times per workflow run: filled by a worker interceptor. */
const activityTimes = new Map<string, { type: string; ms: number }[]>();

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { count: sorted.length, p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)), p99: round(percentile(sorted, 0.99)), mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)) };
}

/** Time on the critical path: parallel groups (retrieval sources, agents) count once, at their longest. */
function criticalActivityTime(times: { type: string; ms: number }[]): number {
  const parallel = new Map<string, number>();
  let sequential = 0;
  for (const { type, ms } of times) {
    const group = type.startsWith('retrieve') ? 'retrieve' : type === 'runAgent' ? 'agents' : null;
    if (group === null) sequential += ms;
    else parallel.set(group, Math.max(parallel.get(group) ?? 0, ms));
  }
  return sequential + [...parallel.values()].reduce((a, b) => a + b, 0);
}

/** CPU seconds used so far by a Linux process (all its threads), from /proc; NaN elsewhere. */
function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

/** CPU time of this process (API, worker, PGlite) and of the dev server, for the per-turn cost of a phase. */
function cpuSnapshot(devServerPid: number): { worker: number; temporal: number } {
  const { user, system } = process.cpuUsage();
  return { worker: (user + system) / 1e6, temporal: processCpuSeconds(devServerPid) };
}

async function askOnce(baseUrl: string, question: string): Promise<{ ms: number; turnWorkflowId: string }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/chat?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: question }) });
  const body = (await response.json()) as { status?: string; conversationId: string; turnId: string };
  if (response.status !== 200 || body.status !== 'completed') throw new Error(`turn did not complete: ${response.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, turnWorkflowId: `conversation-${body.conversationId}-turn-1` };
}

async function runPhase(baseUrl: string, total: number, clients: number, devServerPid: number) {
  const cpuBefore = cpuSnapshot(devServerPid);
  const latencies: number[] = [];
  const overheads: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const index = next++;
        const { ms, turnWorkflowId } = await askOnce(baseUrl, QUESTIONS[index % QUESTIONS.length]!);
        latencies.push(ms);
        overheads.push(ms - criticalActivityTime(activityTimes.get(turnWorkflowId) ?? []));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSnapshot(devServerPid);
  const cpuMsPerTurn = (key: 'worker' | 'temporal') => Math.round(((cpuAfter[key] - cpuBefore[key]) * 1000) / Math.max(1, total) * 10) / 10;
  return {
    turns: total,
    clients,
    seconds: Math.round(seconds * 100) / 100,
    turnsPerSecond: Math.round((total / seconds) * 10) / 10,
    latencyMs: summary(latencies),
    orchestrationOverheadMs: summary(overheads),
    cpuMsPerTurn: { worker: cpuMsPerTurn('worker'), temporalServer: cpuMsPerTurn('temporal') },
  };
}

async function main() {
  // The machine is shared: the 1-minute load average before this process adds its own, and at the end.
  const loadAtStart = os.loadavg()[0]!;
  const logger = createLogger({ level: 'warn', name: 'bench' });
  installTemporalRuntime(logger);
  const devServer = await startDevServer({ headless: true, logger });
  const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'agentcraft-bench-'));
  const databaseUrl = process.env.DATABASE_URL;
  const store = createStore(databaseUrl === undefined ? { pgliteDirectory: path.join(dataDirectory, 'pglite'), logger } : { databaseUrl, logger });
  await store.migrate();
  await seedDemoKnowledge(store, DEFAULT_TENANT_ID);
  const eventLog = new MemoryEventLog({ logger });
  const taskQueue = 'agentcraft-bench';
  const nativeConnection = await NativeConnection.connect({ address: devServer.address });
  const worker = await createAgentcraftWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    logger,
    dependencies: { store, eventLog, chatModel: new OfflineChatModel({ latencyMs: 0 }), logger, settings: { qaMinConfidence: 0.2, reviewTimeoutMs: 60_000, modelCallsAsLocalActivities: process.env.AGENTCRAFT_MODEL_CALLS !== 'activity' } },
    interceptors: {
      activity: [
        () => ({
          inbound: {
            async execute(input, next) {
              const started = performance.now();
              try {
                return await next(input);
              } finally {
                const info = Context.current().info;
                const workflowId = info.workflowExecution?.workflowId ?? 'unknown';
                const list = activityTimes.get(workflowId) ?? [];
                list.push({ type: info.activityType, ms: performance.now() - started });
                activityTimes.set(workflowId, list);
              }
            },
          },
        }),
      ],
    },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: devServer.address });
  const api = await startApiServer({ temporal: new Client({ connection }), store, eventLog, configuration: { temporal: { taskQueue, namespace: 'default' }, waitTimeoutMs: 60_000 }, logger, port: 0 });
  const baseUrl = `http://127.0.0.1:${api.port}`;
  try {
    await runPhase(baseUrl, 20, 4, devServer.pid);
    const sequential = await runPhase(baseUrl, Number(values.sequential), 1, devServer.pid);
    const concurrent = await runPhase(baseUrl, Number(values.concurrent), Number(values.clients), devServer.pid);
    const loadAtEnd = os.loadavg()[0]!;
    const perActivity: Record<string, ReturnType<typeof summary>> = {};
    const byType = new Map<string, number[]>();
    for (const list of activityTimes.values()) for (const { type, ms } of list) byType.set(type, [...(byType.get(type) ?? []), ms]);
    for (const [type, samples] of [...byType.entries()].sort()) perActivity[type] = summary(samples);
    const report = {
      command: `${databaseUrl === undefined ? '' : 'DATABASE_URL=<postgres> '}npm run bench:turn -- --sequential ${values.sequential} --concurrent ${values.concurrent} --clients ${values.clients}`,
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
      loadAverage1m: { atStart: Math.round(loadAtStart * 100) / 100, atEnd: Math.round(loadAtEnd * 100) / 100 },
      setup: `local \`temporal server start-dev\` (in-memory), ${databaseUrl === undefined ? 'PGlite on disk' : 'PostgreSQL (DATABASE_URL)'}, in-process event log, offline model at 0 ms, API over loopback HTTP`,
      sequential,
      concurrent,
      activityExecutionMs: perActivity,
    };
    if (values['no-record']) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    const resultFile = databaseUrl === undefined ? 'turn-bench.json' : 'turn-bench-postgres.json';
    await writeFile(new URL(`./results/${resultFile}`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
    const line = (name: string, phase: typeof sequential) =>
      `| ${name} | ${phase.turns} | ${phase.clients} | ${phase.latencyMs.p50} / ${phase.latencyMs.p95} / ${phase.latencyMs.p99} | ${phase.orchestrationOverheadMs.p50} / ${phase.orchestrationOverheadMs.p95} | ${phase.turnsPerSecond} |`;
    await appendFile(
      new URL('./RESULTS.md', import.meta.url),
      `\n## ${report.date} — \`${report.command}\`\n${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; ${report.setup}; 1-minute load average ${report.loadAverage1m.atStart} at start, ${report.loadAverage1m.atEnd} at end (this benchmark included)\n\n| phase | turns | clients | latency ms p50 / p95 / p99 | overhead ms p50 / p95 | turns/s |\n|---|---|---|---|---|---|\n${line('sequential', sequential)}\n${line('concurrent', concurrent)}\n\nCPU per turn (concurrent phase): ${concurrent.cpuMsPerTurn.worker} ms in the API + worker process, ${concurrent.cpuMsPerTurn.temporalServer} ms in the Temporal dev server.\n`,
    );
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await api.close();
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
    await store.close();
    await devServer.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  }
}

await main();
