/**
 * Scale-out test: three worker processes on one task queue, sharing the test Temporal server, one
 * PostgreSQL database and the Redis event log. Twelve turns run with a slow offline model; one worker is
 * killed with SIGKILL while they are in flight, and every turn still finishes exactly once. The surviving
 * workers' `/healthz`, `/readyz` and `/metrics` are checked on the way.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEventLog } from '../activities/events/create-event-log.js';
import type { EventLog } from '../activities/events/event-log.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import type { Store } from '../activities/persistence/store.js';
import { conversationWorkflowId } from '../domain/constants.js';
import { findFreePort } from './dev-server.js';
import { createLogger } from '../domain/logger.js';
import type { ConversationEvent } from '../domain/types.js';
import { sendMessage, type ConversationInput } from '../workflows/messages.js';
import { createTestDatabase } from '../test-support/postgres.js';
import { startProcess, type ManagedProcess } from '../test-support/processes.js';
import { createTestClient, testTemporalAddress, type TestClient } from '../test-support/temporal.js';

const WORKERS = 3;
const TURNS = 12;
const REDIS_URL = 'redis://127.0.0.1:6379';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let temporal: TestClient;
let store: Store;
let eventLog: EventLog;
let taskQueue: string;
/** Where the second worker serves the Temporal SDK's (Core's) Prometheus metrics. */
let sdkMetricsPort: number;
const workers: ManagedProcess[] = [];

/** The port a worker printed in its `worker http listening` log line. */
function httpPortOf(worker: ManagedProcess): number {
  const match = /worker http listening on port (\d+)/.exec(worker.output());
  if (match === null) throw new Error(`no worker http port in the output:\n${worker.output().slice(-2000)}`);
  return Number(match[1]);
}

/** The Temporal identity of a worker process (the SDK default: `<pid>@<hostname>`). */
function pidOf(identity: string): number {
  return Number(identity.split('@')[0]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  taskQueue = `scale-out-${randomUUID()}`;
  const environment = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: database.url,
    REDIS_URL,
    // Every model call takes 1.5 s, so a turn spends seconds in flight (and is cut by the kill).
    AGENTCRAFT_OFFLINE_LATENCY_MS: '1500',
    AGENTCRAFT_WORKER_HTTP_PORT: '0',
  };
  // The first worker migrates and seeds the database; the others start once it has, so they only find it done.
  workers.push(startProcess('workers/worker-main.ts', environment));
  await workers[0]!.waitForOutput(/demo knowledge base loaded/);
  sdkMetricsPort = await findFreePort();
  workers.push(startProcess('workers/worker-main.ts', { ...environment, AGENTCRAFT_SDK_METRICS_ADDRESS: `127.0.0.1:${sdkMetricsPort}` }));
  for (let index = 2; index < WORKERS; index += 1) workers.push(startProcess('workers/worker-main.ts', environment));
  await Promise.all(workers.map((worker) => worker.waitForOutput(/worker running/, 90_000)));
  temporal = await createTestClient();
  store = createStore({ databaseUrl: database.url });
  eventLog = createEventLog({ redisUrl: REDIS_URL, logger: createLogger({ level: 'silent', name: 'scale-out-test' }) });
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.stop()));
  await Promise.allSettled([temporal?.close(), store?.close(), eventLog?.close()]);
  await database?.drop();
});

async function startConversation(client: Client, index: number) {
  const conversationId = `scale-out-${randomUUID()}`;
  const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
    workflowId: conversationWorkflowId(conversationId),
    taskQueue,
    args: [{ conversationId, tenantId: 'default', customerId: `scale-out-customer-${index}` } satisfies ConversationInput],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const accepted = await client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: 'How do I rotate an API key?' }], startWorkflowOperation });
  return { conversationId, ...accepted };
}

type Started = Awaited<ReturnType<typeof startConversation>>;

async function eventsOf(turns: Started[]): Promise<ConversationEvent[][]> {
  return Promise.all(turns.map((turn) => eventLog.read(turn.conversationId, 0)));
}

const countFinished = (logs: ConversationEvent[][]) => logs.filter((events) => events.some((event) => event.type === 'turn-finished')).length;

/** Every worker identity that took a workflow or activity task of the workflow, in history order. */
async function identitiesOf(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const identity =
      event.workflowTaskStartedEventAttributes?.identity ?? event.workflowTaskCompletedEventAttributes?.identity ?? event.activityTaskStartedEventAttributes?.identity;
    return identity ? [identity] : [];
  });
}

/** Sum of a counter's samples in a Prometheus text exposition. */
function sumOf(metrics: string, name: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('scale-out on one machine', () => {
  it('spreads turns over three workers and finishes each exactly once after one is killed with SIGKILL', { timeout: 120_000 }, async () => {
    const client = temporal.client;
    const turns = await Promise.all(Array.from({ length: TURNS }, (_, index) => startConversation(client, index)));

    // Kill once half the turns run their agents (slow model calls) and before all have finished.
    const agentsRunning = (logs: ConversationEvent[][]) => logs.filter((events) => events.some((event) => event.type === 'agent-started')).length;
    await vi.waitFor(async () => expect(agentsRunning(await eventsOf(turns))).toBeGreaterThanOrEqual(TURNS / 2), { timeout: 30_000, interval: 100 });
    const victim = workers[0]!;
    const victimPid = victim.child.pid!;
    await victim.kill9();
    const finishedAtKill = countFinished(await eventsOf(turns));
    expect(finishedAtKill).toBeLessThan(TURNS);

    let logs: ConversationEvent[][] = [];
    await vi.waitFor(
      async () => {
        logs = await eventsOf(turns);
        expect(countFinished(logs)).toBe(TURNS);
      },
      { timeout: 75_000, interval: 250 },
    );
    // Give a duplicate (if any) the chance to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    logs = await eventsOf(turns);

    // Exactly once: one turn-finished event and one assistant message per turn, gap-free sequences.
    for (const [index, turn] of turns.entries()) {
      const events = logs[index]!;
      expect(events.filter((event) => event.type === 'turn-finished').map((event) => event.turnId)).toEqual([turn.turnId]);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, position) => position + 1));
      const stored = await store.getConversation(turn.conversationId);
      expect(stored?.messages.filter((message) => message.role === 'assistant')).toHaveLength(1);
      expect(stored?.messages.filter((message) => message.role === 'user')).toHaveLength(1);
      expect(stored?.turns.map((record) => [record.id, record.status])).toEqual([[turn.turnId, 'completed']]);
    }

    // Spread and failover, from the histories: every worker did work, and the victim's turns moved.
    const histories = await Promise.all(turns.map((turn) => identitiesOf(client, turn.turnWorkflowId)));
    const conversations = await Promise.all(turns.map((turn) => identitiesOf(client, conversationWorkflowId(turn.conversationId))));
    const pids = new Set([...histories, ...conversations].flat().map(pidOf));
    expect([...pids].sort()).toEqual(workers.map((worker) => worker.child.pid!).sort());
    const movedTurns = histories.filter((identities) => identities.some((identity) => pidOf(identity) === victimPid) && pidOf(identities.at(-1)!) !== victimPid);
    expect(movedTurns.length).toBeGreaterThan(0);

    // The survivors' endpoints: alive, ready, and their metrics count each turn they delivered once.
    const survivors = workers.slice(1);
    const scraped = await Promise.all(
      survivors.map(async (worker) => {
        const base = `http://127.0.0.1:${httpPortOf(worker)}`;
        const [health, ready, metrics] = await Promise.all([fetch(`${base}/healthz`), fetch(`${base}/readyz`), fetch(`${base}/metrics`)]);
        expect(health.status).toBe(200);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toEqual({ status: 'ready', checks: { worker: 'ok', store: 'ok', eventLog: 'ok' } });
        expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
        return metrics.text();
      }),
    );
    const delivered = scraped.reduce((total, metrics) => total + sumOf(metrics, 'agentcraft_turns_total'), 0);
    expect(delivered).toBeGreaterThanOrEqual(TURNS - finishedAtKill);
    expect(delivered).toBeLessThanOrEqual(TURNS);
    const all = scraped.join('\n');
    expect(all).toMatch(/^agentcraft_turns_total\{outcome="answered"\} \d+$/m);
    expect(all).toMatch(/^agentcraft_turn_duration_seconds_count\{outcome="answered"\} \d+$/m);
    expect(all).toMatch(/^agentcraft_stage_duration_seconds_bucket\{le="\+Inf",stage="deliver"\} \d+$/m);
    expect(all).toContain('# TYPE agentcraft_escalations_total counter');
    expect(all).toMatch(/^agentcraft_worker_process_cpu_seconds_total \d/m);

    // Core's exporter on the second worker, with the names (and millisecond units) the alerts use.
    const sdkMetrics = await (await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`)).text();
    for (const name of ['temporal_activity_schedule_to_start_latency', 'temporal_workflow_task_execution_latency', 'temporal_worker_task_slots_available', 'temporal_num_pollers']) {
      expect(sdkMetrics).toContain(`# TYPE ${name}`);
    }
  });
});
