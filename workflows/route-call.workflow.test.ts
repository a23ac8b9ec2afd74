/**
 * How the route stage runs, read from the turn's history: with a real provider configured (the LLM router
 * over the OpenAI SDK and a scripted OpenAI server) routing is a regular, heartbeating activity behind the
 * `route-as-activity` patch; with the offline model it stays a local activity (a marker) and records no patch.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conversationWorkflowId } from '../domain/constants.js';
import type { TurnResult } from '../domain/types.js';
import { startTestPipeline, type TestPipeline, type TestPipelineOptions } from '../test-support/pipeline.js';
import { startScriptedLlm, type ScriptedLlm } from '../test-support/scripted-llm.js';
import { sendMessage } from './messages.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let pipeline: TestPipeline | undefined;
let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await pipeline?.close();
  await llm?.close();
  pipeline = undefined;
  llm = undefined;
});

/** Asks one question in a new conversation and returns the finished turn and its history. */
async function askAndWait(active: TestPipeline, message: string): Promise<{ result: TurnResult; events: HistoryEvent[] }> {
  const conversationId = randomUUID();
  const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
    workflowId: conversationWorkflowId(conversationId),
    taskQueue: active.taskQueue,
    args: [{ conversationId, tenantId: 'default', customerId: null }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const { turnWorkflowId } = await active.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message }], startWorkflowOperation });
  const result = await turnResult(active.client, turnWorkflowId);
  return { result, events: (await active.client.workflow.getHandle(turnWorkflowId).fetchHistory()).events ?? [] };
}

/** The update returns before the conversation has started the turn's child workflow: wait for it to exist. */
async function turnResult(client: Client, workflowId: string): Promise<TurnResult> {
  const handle = client.workflow.getHandle(workflowId);
  await vi.waitFor(() => handle.describe(), { timeout: 30_000, interval: 100 });
  return (await handle.result()) as TurnResult;
}

function payloadJson(data: Uint8Array | null | undefined): Record<string, unknown> {
  return data === null || data === undefined ? {} : (JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>);
}

/** Activity types scheduled as regular activities, in order. */
function scheduledActivities(events: HistoryEvent[]): { type: string; heartbeatSeconds: number }[] {
  return events.flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled === null || scheduled === undefined) return [];
    return [{ type: scheduled.activityType?.name ?? '?', heartbeatSeconds: Number(scheduled.heartbeatTimeout?.seconds ?? 0) }];
  });
}

/** Activity types that ran as local activities (markers named `core_local_activity`), in order. */
function localActivities(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    return [String(payloadJson(marker.details?.data?.payloads?.[0]?.data).activity_type)];
  });
}

/** The `patched()` ids the history recorded. */
function patches(events: HistoryEvent[]): string[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    return [String(payloadJson(marker.details?.['patch-data']?.payloads?.[0]?.data).id)];
  });
}

async function start(options: TestPipelineOptions): Promise<TestPipeline> {
  pipeline = await startTestPipeline(options);
  return pipeline;
}

describe('the route stage', () => {
  it('runs as a regular, heartbeating activity when routing calls an LLM', async () => {
    llm = await startScriptedLlm();
    const active = await start({ chatModel: llm.models.chatModel });
    const { result, events } = await askAndWait(active, 'How do I rotate an API key?');

    expect(result.status).toBe('completed');
    expect(result.agents.map((agent) => agent.id)).toContain('security-expert');
    const routeRequests = llm.openai.server.requests.filter((request) => (request.body as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name === 'route_decision');
    expect(routeRequests).toHaveLength(1);
    expect(llm.openai.server.unexpected).toEqual([]);

    const routeActivity = scheduledActivities(events).find((activity) => activity.type === 'routeQuestion');
    expect(routeActivity).toEqual({ type: 'routeQuestion', heartbeatSeconds: 10 });
    expect(localActivities(events)).not.toContain('routeQuestion');
    expect(localActivities(events)[0]).toBe('beginTurn');
    expect(patches(events)).toContain('route-as-activity');
    // The LLM decided, and the trace says so.
    const trace = await active.store.getTurn(result.turnId);
    expect(trace?.route).toMatchObject({ strategy: 'llm' });
  });

  it('stays a local activity with the offline model, and records no patch marker for it', async () => {
    const active = await start({});
    const { result, events } = await askAndWait(active, 'How do I rotate an API key?');

    expect(result.status).toBe('completed');
    expect(localActivities(events).slice(0, 2)).toEqual(['beginTurn', 'routeQuestion']);
    expect(scheduledActivities(events).map((activity) => activity.type)).not.toContain('routeQuestion');
    // Model calls still run as regular activities here (`modelCallsAsLocalActivities: false`): only routing is local.
    expect(scheduledActivities(events).map((activity) => activity.type)).toContain('synthesizeAnswer');
    expect(patches(events)).not.toContain('route-as-activity');
    const trace = await active.store.getTurn(result.turnId);
    expect(['classifier', 'keyword']).toContain(trace?.route?.strategy);
  });
});
