/** The review deadline policy with short configured timeouts: reminders on schedule, then a hand-over. */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conversationWorkflowId } from '../domain/constants.js';
import type { ConversationEvent, TurnResult } from '../domain/types.js';
import { startTestPipeline, type TestPipeline } from '../test-support/pipeline.js';
import { getState, sendMessage } from './messages.js';
import { HANDOVER_ANSWER } from './turn-helpers.js';

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

describe('review deadline policy', () => {
  it('reminds reviewers on schedule and hands the conversation over to a person at the deadline', async () => {
    pipeline = await startTestPipeline({ settings: { reviewTimeoutMs: 2500, review: { remindAfterMs: 1000, timeoutAction: 'handover', holdingMessage: 'Hang on, a specialist is on it.' } } });
    const active = pipeline;
    const conversationId = randomUUID();
    const workflowId = conversationWorkflowId(conversationId);
    const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
      workflowId,
      taskQueue: active.taskQueue,
      args: [{ conversationId, tenantId: 'default', customerId: null }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await active.client.workflow.executeUpdateWithStart(sendMessage, { args: [{ message: 'I want to talk to a human about my bill' }], startWorkflowOperation });

    let events: ConversationEvent[] = [];
    await vi.waitFor(
      async () => {
        events = await active.eventLog.read(conversationId, 0);
        expect(events.some((event) => event.type === 'turn-finished')).toBe(true);
      },
      { timeout: 30_000, interval: 100 },
    );
    const created = events.find((event) => event.type === 'escalation-created');
    expect((created?.payload.result as TurnResult).answer).toBe('Hang on, a specialist is on it.');
    const reminders = events.filter((event) => event.type === 'escalation-reminder').map((event) => event.payload.reminders);
    expect(reminders).toEqual([1, 2]);
    const resolved = events.find((event) => event.type === 'escalation-resolved');
    expect(resolved?.payload).toMatchObject({ status: 'timed_out', handedOver: true });
    const result = events.find((event) => event.type === 'turn-finished')?.payload.result as TurnResult;
    expect(result.answer).toBe(HANDOVER_ANSWER);

    const escalation = await active.store.getEscalation(String(created?.payload.escalationId));
    expect(escalation).toMatchObject({ status: 'timed_out', reminders: 2, remindAt: null });
    const audit = await active.store.listAudit({ subjectType: 'escalation', subjectId: escalation!.id });
    expect(audit.map((entry) => entry.action)).toEqual(['review.timed_out', 'review.reminder', 'review.reminder']);
    await vi.waitFor(async () => expect((await active.client.workflow.getHandle(workflowId).query(getState)).status).toBe('human_takeover'), { timeout: 10_000 });

    // Every step is in the history: two reminder activities before the resolution.
    const history = await active.client.workflow.getHandle(`${workflowId}-turn-1`).fetchHistory();
    const activityTypes = (history.events ?? []).flatMap((event) => {
      const marker = event.markerRecordedEventAttributes;
      const details = marker?.details?.data?.payloads?.[0]?.data;
      return details === undefined || details === null ? [] : [Buffer.from(details).toString()];
    });
    expect(activityTypes.filter((text) => text.includes('remindReviewers')).length).toBe(2);
  });
});
