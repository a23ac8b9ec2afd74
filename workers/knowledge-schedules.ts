/**
 * One Temporal Schedule per web knowledge source, `knowledge-source-sync-<sourceId>`, re-syncing it every
 * `syncIntervalSeconds` (overlap SKIP). A Schedule appends a timestamp to the ids of the workflows it starts,
 * so it starts `scheduledSourceSyncWorkflow`, which starts the sync under its fixed id
 * `knowledge-source-<sourceId>` (and does nothing while one runs). Created or updated with the source,
 * deleted with it (by the knowledge API).
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { knowledgeSourceScheduleId } from '../domain/constants.js';
import type { ScheduledSourceSyncInput } from '../workflows/messages.js';

export interface SourceSchedule {
  tenantId: string;
  sourceId: string;
  /** 0: no schedule (an existing one is deleted). */
  syncIntervalSeconds: number;
}

function actionOf(schedule: SourceSchedule, taskQueue: string) {
  const args: [ScheduledSourceSyncInput] = [{ tenantId: schedule.tenantId, sourceId: schedule.sourceId }];
  return { type: 'startWorkflow' as const, workflowType: 'scheduledSourceSyncWorkflow', args, taskQueue, workflowId: `${knowledgeSourceScheduleId(schedule.sourceId)}-run` };
}

/** Creates the source's schedule, or updates it to the interval and task queue; with interval 0, deletes it. */
export async function upsertSourceSchedule(client: Client, schedule: SourceSchedule, taskQueue: string): Promise<void> {
  const scheduleId = knowledgeSourceScheduleId(schedule.sourceId);
  if (schedule.syncIntervalSeconds <= 0) {
    await deleteSourceSchedule(client, schedule.sourceId);
    return;
  }
  const spec = { intervals: [{ every: schedule.syncIntervalSeconds * 1000 }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' as const };
  try {
    await client.schedule.create({ scheduleId, spec, action: actionOf(schedule, taskQueue), policies, memo: { purpose: 're-sync a knowledge source', tenantId: schedule.tenantId, sourceId: schedule.sourceId } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action: actionOf(schedule, taskQueue), policies: { ...previous.policies, ...policies } }));
  }
}

/** Deletes the source's schedule (no-op when it has none). */
export async function deleteSourceSchedule(client: Client, sourceId: string): Promise<void> {
  try {
    await client.schedule.getHandle(knowledgeSourceScheduleId(sourceId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
