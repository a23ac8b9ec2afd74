/**
 * A review outlives its worker: the turn waits durably while the worker is gone, and the decision an
 * operator sends with the real `temporal workflow signal` command reaches it after a new worker starts.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RedisEventLog } from '../activities/events/redis-event-log.js';
import { conversationWorkflowId } from '../domain/constants.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { startTestPipeline, testLogger, type TestPipeline } from '../test-support/pipeline.js';
import { testTemporalAddress } from '../test-support/temporal.js';
import { sendMessage } from '../workflows/messages.js';
import { resolveTemporalCli } from './temporal-cli.js';

const run = promisify(execFile);
let database: TestDatabase | undefined;
const pipelines: TestPipeline[] = [];

afterAll(async () => {
  for (const pipeline of pipelines) await pipeline.close().catch(() => undefined);
  await database?.drop();
});

async function startWorker(taskQueue: string): Promise<TestPipeline> {
  const pipeline = await startTestPipeline({
    databaseUrl: database!.url,
    taskQueue,
    eventLog: new RedisEventLog({ redisUrl: 'redis://127.0.0.1:6379', logger: testLogger }),
  });
  pipelines.push(pipeline);
  return pipeline;
}

describe('a review across a worker restart', () => {
  it('takes a decision sent with the temporal CLI after the worker that escalated is gone', async () => {
    database = await createTestDatabase();
    const taskQueue = `review-restart-${randomUUID()}`;
    const first = await startWorker(taskQueue);
    const conversationId = randomUUID();
    const workflowId = conversationWorkflowId(conversationId);
    const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
      workflowId,
      taskQueue,
      args: [{ conversationId, tenantId: 'default', customerId: null }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const { turnId } = await first.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: 'Can I talk to a human about SSO?' }], startWorkflowOperation });
    const escalationId = `${turnId}.review`;
    await vi.waitFor(async () => expect((await first.store.getEscalation(escalationId))?.status).toBe('pending'), { timeout: 30_000, interval: 200 });
    await first.close();
    pipelines.length = 0;

    const second = await startWorker(taskQueue);
    const temporal = await resolveTemporalCli();
    const decision = JSON.stringify({ escalationId, action: 'edit', reviewer: 'operator-cli', answer: 'Our SSO team set this up for you.' });
    await run(temporal, ['workflow', 'signal', '--workflow-id', workflowId, '--name', 'reviewDecision', '--input', decision, '--address', testTemporalAddress(), '--namespace', 'default']);

    await vi.waitFor(async () => expect((await second.store.getTurn(turnId))?.status).toBe('completed'), { timeout: 30_000, interval: 200 });
    expect(await second.store.getEscalation(escalationId)).toMatchObject({ status: 'edited', reviewer: 'operator-cli', finalAnswer: 'Our SSO team set this up for you.' });
    const stored = await second.store.getConversation(conversationId);
    expect(stored?.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Our SSO team set this up for you.' });
    const events = await second.eventLog.read(conversationId, 0);
    expect(events.filter((event) => event.type === 'turn-finished')).toHaveLength(1);
  });
});
