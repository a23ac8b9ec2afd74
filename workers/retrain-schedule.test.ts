import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../domain/logger.js';
import { createTestClient, type TestClient } from '../test-support/temporal.js';
import { ensureRetrainSchedules, retrainScheduleId } from './retrain-schedule.js';

const logger = createLogger({ level: 'silent' });
let temporal: TestClient;
const created: string[] = [];
beforeAll(async () => {
  temporal = await createTestClient();
});
afterAll(async () => {
  for (const scheduleId of created) await temporal.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  await temporal.close();
});

describe('ensureRetrainSchedules', () => {
  it('creates a schedule per tenant running retrainRouterWorkflow on the interval, with overlap SKIP', async () => {
    const tenantId = `tenant-${randomUUID()}`;
    const taskQueue = `test-${randomUUID()}`;
    const ids = await ensureRetrainSchedules({ client: temporal.client, taskQueue, intervalMs: 6 * 60 * 60 * 1000, logger, tenantIds: [tenantId] });
    created.push(...ids);
    expect(ids).toEqual([`agentcraft-retrain-router-${tenantId}`]);

    const description = await temporal.client.schedule.getHandle(retrainScheduleId(tenantId)).describe();
    expect(description.spec.intervals).toMatchObject([{ every: 6 * 60 * 60 * 1000 }]);
    expect(description.spec.intervals).toHaveLength(1);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retrainRouterWorkflow', args: [{ tenantId }], taskQueue });
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(description.state.paused).toBe(false);
  });

  it('updates an existing schedule at the next start (new interval and task queue)', async () => {
    const tenantId = `tenant-${randomUUID()}`;
    created.push(...(await ensureRetrainSchedules({ client: temporal.client, taskQueue: 'first-queue', intervalMs: 24 * 60 * 60 * 1000, logger, tenantIds: [tenantId] })));
    await ensureRetrainSchedules({ client: temporal.client, taskQueue: 'second-queue', intervalMs: 30 * 60 * 1000, logger, tenantIds: [tenantId] });

    const description = await temporal.client.schedule.getHandle(retrainScheduleId(tenantId)).describe();
    expect(description.spec.intervals).toMatchObject([{ every: 30 * 60 * 1000 }]);
    expect(description.spec.intervals).toHaveLength(1);
    expect(description.action).toMatchObject({ workflowType: 'retrainRouterWorkflow', taskQueue: 'second-queue' });
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  });

  it('with the interval off, removes the schedule (and does nothing when there is none)', async () => {
    const tenantId = `tenant-${randomUUID()}`;
    created.push(...(await ensureRetrainSchedules({ client: temporal.client, taskQueue: 'queue', intervalMs: 60 * 60 * 1000, logger, tenantIds: [tenantId] })));
    expect(await ensureRetrainSchedules({ client: temporal.client, taskQueue: 'queue', intervalMs: null, logger, tenantIds: [tenantId] })).toEqual([]);
    await expect(temporal.client.schedule.getHandle(retrainScheduleId(tenantId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    // Off on a fresh tenant: nothing to delete, no error.
    expect(await ensureRetrainSchedules({ client: temporal.client, taskQueue: 'queue', intervalMs: null, logger, tenantIds: [`tenant-${randomUUID()}`] })).toEqual([]);
  });
});
