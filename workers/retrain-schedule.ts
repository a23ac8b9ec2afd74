/**
 * Keeps one Temporal Schedule per tenant that runs `retrainRouterWorkflow` every
 * `AGENTCRAFT_ROUTER_RETRAIN_INTERVAL` (overlap SKIP: a slow retrain is never run twice at once). Called at
 * worker start: creates the schedule, or updates an existing one to the configured interval and task queue;
 * with the interval `off` it deletes the schedule, so turning retraining off takes effect on the next start.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { DEFAULT_TENANT_ID } from '../domain/constants.js';
import type { Logger } from '../domain/logger.js';

/** Schedule ids are this prefix plus the tenant id. */
export const RETRAIN_SCHEDULE_PREFIX = 'agentcraft-retrain-router-';

export const retrainScheduleId = (tenantId: string): string => `${RETRAIN_SCHEDULE_PREFIX}${tenantId}`;

export interface RetrainScheduleOptions {
  client: Client;
  taskQueue: string;
  /** Milliseconds between retrains; `null` (`off`) removes the schedules. */
  intervalMs: number | null;
  logger: Logger;
  /** Tenants to retrain (default: the default tenant). */
  tenantIds?: readonly string[];
}

/** Creates, updates or (when off) deletes the retrain schedule of each tenant; returns the ids kept (a failed create is logged, not thrown). */
export async function ensureRetrainSchedules(options: RetrainScheduleOptions): Promise<string[]> {
  const kept: string[] = [];
  for (const tenantId of options.tenantIds ?? [DEFAULT_TENANT_ID]) {
    const scheduleId = retrainScheduleId(tenantId);
    if (options.intervalMs === null) {
      await deleteIfPresent(options.client, scheduleId);
      options.logger.info({ scheduleId }, 'router retraining schedule off');
      continue;
    }
    try {
      await upsertSchedule(options.client, scheduleId, tenantId, options.taskQueue, options.intervalMs);
    } catch (error) {
      // A worker without schedule permissions still serves turns; retrain with `npm run train:routing`.
      options.logger.warn({ err: error, scheduleId }, 'could not create the router retraining schedule');
      continue;
    }
    options.logger.info({ scheduleId, intervalMs: options.intervalMs }, 'router retraining scheduled');
    kept.push(scheduleId);
  }
  return kept;
}

function scheduleAction(tenantId: string, taskQueue: string, scheduleId: string) {
  return { type: 'startWorkflow' as const, workflowType: 'retrainRouterWorkflow', args: [{ tenantId }], taskQueue, workflowId: `${scheduleId}-run` };
}

async function upsertSchedule(client: Client, scheduleId: string, tenantId: string, taskQueue: string, intervalMs: number): Promise<void> {
  const spec = { intervals: [{ every: intervalMs }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' as const };
  try {
    await client.schedule.create({ scheduleId, spec, action: scheduleAction(tenantId, taskQueue, scheduleId), policies, memo: { purpose: 'retrain the routing classifier', tenantId } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action: scheduleAction(tenantId, taskQueue, scheduleId), policies: { ...previous.policies, ...policies } }));
  }
}

async function deleteIfPresent(client: Client, scheduleId: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
