/**
 * Records the histories that CI replays (`workflows/replay.test.ts`): a conversation with an answered
 * turn and an escalated, approved turn, saved as `workflows/__fixtures__/<label>-*-history.json`.
 * Record a new label whenever a workflow change ships behind `patched()`, and keep the old ones: CI then
 * replays both code paths. `npx tsx test-support/record-histories.ts v3`
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { conversationWorkflowId, turnWorkflowId } from '../domain/constants.js';
import { initialConversationSearchAttributes } from '../domain/search-attributes.js';
import { createLogger } from '../domain/logger.js';
import { closeConversation, reviewDecision, sendMessage, type ConversationInput } from '../workflows/messages.js';
import { startDevServer } from '../workers/dev-server.js';
import { resolveTemporalCli } from '../workers/temporal-cli.js';
import { startTestPipeline } from './pipeline.js';

const label = process.argv[2];
if (label === undefined || !/^v\d+$/.test(label)) throw new Error('usage: npx tsx test-support/record-histories.ts v<N>');
const logger = createLogger({ level: 'warn', name: 'record-histories' });
const devServer = await startDevServer({ headless: true, logger });
const pipeline = await startTestPipeline({ temporalAddress: devServer.address });
try {
  const conversationId = randomUUID();
  const workflowId = conversationWorkflowId(conversationId);
  const send = (message: string) =>
    pipeline.client.workflow.executeUpdateWithStart(sendMessage, {
      args: [{ message }],
      startWorkflowOperation: new WithStartWorkflowOperation('conversationWorkflow', {
        workflowId,
        taskQueue: pipeline.taskQueue,
        args: [{ conversationId, tenantId: 'default', customerId: 'customer-1' } satisfies ConversationInput],
        typedSearchAttributes: initialConversationSearchAttributes({ tenantId: 'default', customerId: 'customer-1' }),
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  const first = await send('How do I rotate an API key?');
  await pipeline.client.workflow.getHandle(first.turnWorkflowId).result();
  // Routed to two specialists, so the history has the blackboard round; escalated because it asks for a person.
  const second = await send('Can I talk to a human about downloading my invoice?');
  const handle = pipeline.client.workflow.getHandle(workflowId);
  for (;;) {
    const events = await pipeline.eventLog.read(conversationId, 0);
    const created = events.find((event) => event.turnId === second.turnId && event.type === 'escalation-created');
    if (created !== undefined) {
      await handle.signal(reviewDecision, { escalationId: String(created.payload.escalationId), action: 'approve', reviewer: 'recorder' });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await pipeline.client.workflow.getHandle(second.turnWorkflowId).result();
  const third = await send('What is a good recipe for banana bread?');
  await pipeline.client.workflow.getHandle(third.turnWorkflowId).result();
  await handle.signal(closeConversation, {});
  await handle.result();
  const cli = await resolveTemporalCli();
  // The CLI writes the same JSON as the Web UI's "Download" button, which is what operators will save.
  const save = async (id: string, file: string) => {
    const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--workflow-id', id, '--address', devServer.address, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
    await writeFile(new URL(`../workflows/__fixtures__/${label}-${file}`, import.meta.url), stdout);
  };
  await save(workflowId, 'conversation-history.json');
  await save(turnWorkflowId(conversationId, 1), 'turn-answered-history.json');
  await save(turnWorkflowId(conversationId, 2), 'turn-escalated-history.json');
  await save(turnWorkflowId(conversationId, 3), 'turn-out-of-scope-history.json');
  console.log(`saved 4 histories to workflows/__fixtures__/${label}-*`);
} finally {
  await pipeline.close();
  await devServer.stop();
}
