/**
 * Knowledge-source schedules on the shared Temporal dev server: created with the interval, updated in place,
 * deleted (also when the interval becomes 0), and what a schedule starts — `scheduledSourceSyncWorkflow` —
 * starting the source's sync under its fixed id, or nothing while one runs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKnowledgeHarness, startTestSite, type KnowledgeHarness, type TestSite } from '../activities/knowledge/ingestion/ingestion-test-support.js';
import { knowledgeSourceScheduleId, knowledgeSourceWorkflowId } from '../domain/constants.js';
import type { IngestionProgress } from '../domain/knowledge.js';
import { createTestDatabase, type TestDatabase } from '../test-support/postgres.js';
import { deleteSourceSchedule, upsertSourceSchedule } from './knowledge-schedules.js';

let database: TestDatabase;
let harness: KnowledgeHarness;
let site: TestSite;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startKnowledgeHarness({ databaseUrl: database.url });
  site = await startTestSite({ '/': { title: 'Scheduled page', body: 'A page that a schedule keeps fresh.' } }, { delayMs: 1500 });
}, 120_000);

afterAll(async () => {
  await site?.close();
  await harness?.close();
  await database?.drop();
});

describe('knowledge source schedules', () => {
  it('creates, updates and deletes the schedule of a source', async () => {
    const sourceId = `src_${randomUUID().replaceAll('-', '')}`;
    const handle = harness.client.schedule.getHandle(knowledgeSourceScheduleId(sourceId));
    await upsertSourceSchedule(harness.client, { tenantId: 'default', sourceId, syncIntervalSeconds: 600 }, harness.taskQueue);
    let description = await handle.describe();
    expect(description.spec.intervals?.[0]?.every).toBe(600_000);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'scheduledSourceSyncWorkflow', args: [{ tenantId: 'default', sourceId }] });
    await upsertSourceSchedule(harness.client, { tenantId: 'default', sourceId, syncIntervalSeconds: 120 }, harness.taskQueue);
    description = await handle.describe();
    expect(description.spec.intervals?.[0]?.every).toBe(120_000);
    await upsertSourceSchedule(harness.client, { tenantId: 'default', sourceId, syncIntervalSeconds: 0 }, harness.taskQueue);
    await expect(handle.describe()).rejects.toThrow(/not found/i);
    await expect(deleteSourceSchedule(harness.client, sourceId)).resolves.toBeUndefined();
  });

  it('starts the sync under its fixed id from a scheduled run, and skips while a sync runs', async () => {
    const source = await harness.store.knowledgeSources.createSource({ tenantId: 'default', kind: 'url', name: 'Scheduled', settings: { url: `${site.origin}/` }, scopes: [], syncIntervalSeconds: 60 });
    const run = (suffix: string) =>
      harness.client.workflow.execute('scheduledSourceSyncWorkflow', { taskQueue: harness.taskQueue, workflowId: `${knowledgeSourceScheduleId(source.id)}-${suffix}`, args: [{ tenantId: 'default', sourceId: source.id }] });
    expect(await run('first')).toEqual({ started: true, workflowId: knowledgeSourceWorkflowId(source.id) });
    // The page answers slowly: the sync still runs.
    expect(await run('second')).toEqual({ started: false, workflowId: knowledgeSourceWorkflowId(source.id) });
    const progress = (await harness.client.workflow.getHandle(knowledgeSourceWorkflowId(source.id)).result()) as IngestionProgress;
    expect(progress).toMatchObject({ phase: 'finished', inserted: 1 });
  });
});
