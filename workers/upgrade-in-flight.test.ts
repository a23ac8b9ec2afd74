/**
 * Upgrade test: conversations started by a worker running OLD workflow code (the bundle of commit 93fdd77,
 * before any `patched()` change, committed as a fixture) are left in flight — one between turns, one with a
 * turn waiting durably for a reviewer — then the old worker stops and a worker with the CURRENT code takes
 * over the same task queue. The pending decision must complete the old turn on its old path, new messages
 * must run full turns on the current path, and `getState`, the store and the histories must agree.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { AGENT_CATALOG } from '../activities/agents/catalog.js';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import { OfflineChatModel } from '../activities/llm/offline-model.js';
import { createStore, type KyselyStore } from '../activities/persistence/kysely-store.js';
import { seedDemoKnowledge } from '../activities/retrieval/seed-demo-knowledge.js';
import { conversationWorkflowId, DEFAULT_TENANT_ID, turnWorkflowId } from '../domain/constants.js';
import type { turnWorkflow } from '../workflows/turn.workflow.js';
import { closeConversation, getState, reviewDecision, sendMessage, submitReviewDecision, type ConversationInput } from '../workflows/messages.js';
import { loadOldWorkflowBundle, OLD_WORKFLOW_COMMIT } from '../test-support/old-workflow-bundle.js';
import { testLogger } from '../test-support/pipeline.js';
import { testTemporalAddress } from '../test-support/temporal.js';
import { createAgentcraftWorker } from './create-worker.js';

const OLD_IDENTITY = `old-${OLD_WORKFLOW_COMMIT.slice(0, 7)}`;
const CURRENT_IDENTITY = 'current-code';
const ANSWERED_QUESTION = 'How do I rotate an API key?';
/** Asks for a person (QA escalates) and touches two specialists (the current code's blackboard round). */
const ESCALATING_QUESTION = 'Can I talk to a human about downloading my invoice?';

let store: KyselyStore;
let eventLog: MemoryEventLog;
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;
let dependencies: ActivityDependencies;
const taskQueue = `upgrade-${randomUUID()}`;

beforeAll(async () => {
  store = createStore({});
  await store.migrate();
  await seedDemoKnowledge(store, DEFAULT_TENANT_ID);
  await store.seedAgents(AGENT_CATALOG);
  eventLog = new MemoryEventLog({ logger: testLogger });
  dependencies = {
    store,
    eventLog,
    chatModel: new OfflineChatModel({ latencyMs: 0 }),
    logger: testLogger,
    settings: { qaMinConfidence: 0.2, reviewTimeoutMs: 600_000, modelCallsAsLocalActivities: false },
  };
  nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  await Promise.allSettled([connection?.close(), nativeConnection?.close(), eventLog?.close()]);
  await store?.close();
});

async function send(conversationId: string, message: string) {
  return client.workflow.executeUpdateWithStart(sendMessage, {
    args: [{ message }],
    startWorkflowOperation: new WithStartWorkflowOperation('conversationWorkflow', {
      workflowId: conversationWorkflowId(conversationId),
      taskQueue,
      args: [{ conversationId, tenantId: DEFAULT_TENANT_ID, customerId: `customer-${conversationId}` } satisfies ConversationInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  });
}

/** The turn's result; the update that queued it returns before the conversation starts the child workflow. */
async function turnResultOf(workflowId: string) {
  const handle = client.workflow.getHandle<typeof turnWorkflow>(workflowId);
  await vi.waitFor(() => handle.describe(), { timeout: 30_000, interval: 100 });
  return handle.result();
}
const stateOf = (conversationId: string) => client.workflow.getHandle(conversationWorkflowId(conversationId)).query(getState);

async function historyOf(workflowId: string) {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** The `patched()` ids a history recorded (markers named `core_patch`); old code records none. */
async function patchesOf(workflowId: string): Promise<string[]> {
  const events = await historyOf(workflowId);
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const payload = marker.details?.['patch-data']?.payloads?.[0]?.data;
    return payload ? [(JSON.parse(Buffer.from(payload).toString('utf8')) as { id: string }).id] : ['?'];
  });
}

/** Which worker identities completed the workflow's tasks, in order, without repeats in a row. */
async function identitiesOf(workflowId: string): Promise<string[]> {
  const identities = (await historyOf(workflowId)).flatMap((event) => {
    const identity = event.workflowTaskCompletedEventAttributes?.identity;
    return identity ? [identity] : [];
  });
  return identities.filter((identity, index) => identity !== identities[index - 1]);
}

/** The escalation id a turn announced on the event log (once it is `escalation-created`). */
async function escalationOf(conversationId: string, turnId: string): Promise<string> {
  let escalationId = '';
  await vi.waitFor(
    async () => {
      const created = (await eventLog.read(conversationId, 0)).find((event) => event.turnId === turnId && event.type === 'escalation-created');
      expect(created).toBeDefined();
      escalationId = String(created!.payload.escalationId);
    },
    { timeout: 30_000, interval: 100 },
  );
  return escalationId;
}

describe('an in-flight conversation survives a code change', () => {
  it('old-code conversations (between turns, and waiting for a reviewer) continue on the current code', { timeout: 120_000 }, async () => {
    const { code, manifest } = await loadOldWorkflowBundle();
    expect(manifest.commit).toBe(OLD_WORKFLOW_COMMIT);
    const oldWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      identity: OLD_IDENTITY,
      workflowBundle: { code },
      activities: createActivities(dependencies),
    });
    const oldRun = oldWorker.run();
    const idle = randomUUID();
    const waiting = randomUUID();

    // Old code: an answered turn (the conversation then waits between turns) and a turn parked in review.
    const idleFirst = await send(idle, ANSWERED_QUESTION);
    const idleFirstResult = await turnResultOf(idleFirst.turnWorkflowId);
    expect(idleFirstResult).toMatchObject({ status: 'completed', escalated: false });
    const waitingFirst = await send(waiting, ESCALATING_QUESTION);
    const oldEscalationId = await escalationOf(waiting, waitingFirst.turnId);
    expect(oldEscalationId).toBe(`${waitingFirst.turnId}.review`);
    await vi.waitFor(async () => expect((await stateOf(waiting)).status).toBe('awaiting_review'), { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => expect((await stateOf(idle)).lastTurn?.turnId).toBe(idleFirst.turnId), { timeout: 30_000, interval: 100 });

    oldWorker.shutdown();
    await oldRun;
    // Nothing old code wrote has a patch marker: these runs took the pre-patch paths.
    for (const workflowId of [conversationWorkflowId(idle), idleFirst.turnWorkflowId, conversationWorkflowId(waiting), waitingFirst.turnWorkflowId]) {
      expect(await patchesOf(workflowId)).toEqual([]);
    }

    const currentWorker = await createAgentcraftWorker({ connection: nativeConnection, namespace: 'default', taskQueue, dependencies, logger: testLogger, identity: CURRENT_IDENTITY });
    await currentWorker.runUntil(async () => {
      // The parked review: an operator's signal (the CLI path) decides it; the old turn finishes on its old path.
      await client.workflow.getHandle(conversationWorkflowId(waiting)).signal(reviewDecision, { escalationId: oldEscalationId, action: 'approve', reviewer: 'ana' });
      const approved = await turnResultOf(waitingFirst.turnWorkflowId);
      expect(approved).toMatchObject({ turnId: waitingFirst.turnId, status: 'completed', escalated: true, escalationId: oldEscalationId });
      expect(approved.answer.length).toBeGreaterThan(0);
      expect(await patchesOf(waitingFirst.turnWorkflowId)).toEqual([]);
      expect(await identitiesOf(waitingFirst.turnWorkflowId)).toEqual([OLD_IDENTITY, CURRENT_IDENTITY]);
      expect(await store.getEscalation(oldEscalationId)).toMatchObject({ status: 'approved', reviewer: 'ana', turnId: waitingFirst.turnId });
      await vi.waitFor(async () => expect(await stateOf(waiting)).toMatchObject({ status: 'active', activeTurn: null, turnCount: 1, lastTurn: { turnId: waitingFirst.turnId, escalated: true } }), {
        timeout: 30_000,
        interval: 100,
      });

      // A new message to the reviewed conversation: a full turn on the current code.
      const waitingSecond = await send(waiting, ANSWERED_QUESTION);
      expect(waitingSecond.turnWorkflowId).toBe(turnWorkflowId(waiting, 2));
      const waitingSecondResult = await turnResultOf(waitingSecond.turnWorkflowId);
      expect(waitingSecondResult).toMatchObject({ status: 'completed', escalated: false });
      expect(await identitiesOf(waitingSecond.turnWorkflowId)).toEqual([CURRENT_IDENTITY]);

      // The idle conversation: its next turn escalates on the current path (patched review policy, blackboard round),
      // and the API's update form of the decision completes it.
      const idleSecond = await send(idle, ESCALATING_QUESTION);
      const newEscalationId = await escalationOf(idle, idleSecond.turnId);
      await client.workflow.getHandle(conversationWorkflowId(idle)).executeUpdate(submitReviewDecision, { args: [{ escalationId: newEscalationId, action: 'edit', answer: 'A person will call you about the invoice.', reviewer: 'bo' }] });
      const edited = await turnResultOf(idleSecond.turnWorkflowId);
      expect(edited).toMatchObject({ status: 'completed', escalated: true, answer: 'A person will call you about the invoice.' });
      expect(await patchesOf(idleSecond.turnWorkflowId)).toEqual(expect.arrayContaining(['blackboard-round', 'review-policy']));

      for (const [conversationId, lastTurnId] of [[idle, idleSecond.turnId], [waiting, waitingSecond.turnId]] as const) {
        await vi.waitFor(async () => expect((await stateOf(conversationId)).lastTurn?.turnId).toBe(lastTurnId), { timeout: 30_000, interval: 100 });
        const state = await stateOf(conversationId);
        expect(state).toMatchObject({ conversationId, status: 'active', turnCount: 2, queuedTurns: 0, activeTurn: null });
        expect(state.agentsUsed.length).toBeGreaterThan(0);
        expect(state.agentsUsed.every((agent) => typeof agent === 'string')).toBe(true);
        const stored = await store.getConversation(conversationId);
        expect(stored?.turns.map((turn) => [turn.turnNumber, turn.status])).toEqual([[1, 'completed'], [2, 'completed']]);
        expect(stored?.messages.filter((message) => message.role === 'assistant')).toHaveLength(2);
        // The conversation run itself moved from the old worker to the current one, and closes cleanly.
        expect(await identitiesOf(conversationWorkflowId(conversationId))).toEqual([OLD_IDENTITY, CURRENT_IDENTITY]);
        const handle = client.workflow.getHandle(conversationWorkflowId(conversationId));
        await handle.signal(closeConversation, {});
        expect(await handle.result()).toMatchObject({ status: 'closed', turnCount: 2 });
      }
      // Each turn's trace is readable, old and new alike.
      const turns = (await store.getConversation(idle))?.turns ?? [];
      expect(turns.map((turn) => turn.stages.map((stage) => stage.stage).includes('deliver'))).toEqual([true, true]);
    });
  });
});
