/**
 * Records the histories that CI replays (`workflows/replay.test.ts`), saved as
 * `workflows/__fixtures__/<label>-*-history.json`:
 * - with the offline model: a conversation with an answered turn, an escalated and approved turn, and an
 *   out-of-scope turn (routing as a local activity);
 * - with a configured provider (the LLM router over a scripted OpenAI server, `scripted-llm.ts`): a turn routed
 *   by the LLM as a regular activity (`route-as-activity`), and a turn the provider refuses on content-policy
 *   grounds, escalated to a person and approved (`escalate-model-refusals`).
 * Record a new label whenever a workflow change ships behind `patched()`, and keep the old ones: CI then
 * replays both code paths. `npx tsx test-support/record-histories.ts v6`
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { conversationWorkflowId, turnWorkflowId } from '../domain/constants.js';
import { createLogger } from '../domain/logger.js';
import { initialConversationSearchAttributes } from '../domain/search-attributes.js';
import { closeConversation, reviewDecision, sendMessage, type ConversationInput, type SendMessageResult } from '../workflows/messages.js';
import { startDevServer } from '../workers/dev-server.js';
import { resolveTemporalCli } from '../workers/temporal-cli.js';
import { startTestPipeline, type TestPipeline } from './pipeline.js';
import { REFUSED_QUESTION, startScriptedLlm } from './scripted-llm.js';

const label = process.argv[2];
if (label === undefined || !/^v\d+$/.test(label)) throw new Error('usage: npx tsx test-support/record-histories.ts v<N>');
const logger = createLogger({ level: 'warn', name: 'record-histories' });
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Sends messages to one new conversation and waits for its turns. */
function conversationOf(pipeline: TestPipeline) {
  const conversationId = randomUUID();
  const workflowId = conversationWorkflowId(conversationId);
  const handle = pipeline.client.workflow.getHandle(workflowId);
  return {
    conversationId,
    workflowId,
    handle,
    send: (message: string): Promise<SendMessageResult> =>
      pipeline.client.workflow.executeUpdateWithStart(sendMessage, {
        args: [{ message }],
        startWorkflowOperation: new WithStartWorkflowOperation('conversationWorkflow', {
          workflowId,
          taskQueue: pipeline.taskQueue,
          args: [{ conversationId, tenantId: 'default', customerId: 'customer-1' } satisfies ConversationInput],
          typedSearchAttributes: initialConversationSearchAttributes({ tenantId: 'default', customerId: 'customer-1' }),
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      }),
    /** The update returns before the conversation starts the turn's child workflow: wait until it exists. */
    async finished(turn: SendMessageResult): Promise<void> {
      const turnHandle = pipeline.client.workflow.getHandle(turn.turnWorkflowId);
      for (let attempt = 0; ; attempt += 1) {
        try {
          await turnHandle.describe();
          break;
        } catch (error) {
          if (attempt >= 300) throw error;
          await sleep(100);
        }
      }
      await turnHandle.result();
    },
    /** Approves the turn's escalation as soon as reviewers are told about it. */
    async approve(turn: SendMessageResult): Promise<void> {
      for (;;) {
        const events = await pipeline.eventLog.read(conversationId, 0);
        const created = events.find((event) => event.turnId === turn.turnId && event.type === 'escalation-created');
        if (created !== undefined) {
          await handle.signal(reviewDecision, { escalationId: String(created.payload.escalationId), action: 'approve', reviewer: 'recorder' });
          return;
        }
        await sleep(100);
      }
    },
    async close(): Promise<void> {
      await handle.signal(closeConversation, {});
      await handle.result();
    },
  };
}

type Conversation = ReturnType<typeof conversationOf>;

/** Offline model: answered, escalated (two specialists, so the blackboard round too), out of scope. */
async function recordOffline(conversation: Conversation): Promise<void> {
  await conversation.finished(await conversation.send('How do I rotate an API key?'));
  const escalated = await conversation.send('Can I talk to a human about downloading my invoice?');
  await conversation.approve(escalated);
  await conversation.finished(escalated);
  await conversation.finished(await conversation.send('What is a good recipe for banana bread?'));
  await conversation.close();
}

/** Configured provider: a turn routed by the LLM, then a turn the provider refuses (escalated, approved). */
async function recordWithProvider(conversation: Conversation): Promise<void> {
  await conversation.finished(await conversation.send('How do I rotate an API key?'));
  const refused = await conversation.send(REFUSED_QUESTION);
  await conversation.approve(refused);
  await conversation.finished(refused);
  await conversation.close();
}

const devServer = await startDevServer({ headless: true, logger });
const llm = await startScriptedLlm();
const offline = await startTestPipeline({ temporalAddress: devServer.address });
const withProvider = await startTestPipeline({ temporalAddress: devServer.address, chatModel: llm.models.chatModel });
try {
  const first = conversationOf(offline);
  const second = conversationOf(withProvider);
  await recordOffline(first);
  await recordWithProvider(second);
  const cli = await resolveTemporalCli();
  // The CLI writes the same JSON as the Web UI's "Download" button, which is what operators will save.
  const save = async (id: string, file: string) => {
    const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--workflow-id', id, '--address', devServer.address, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
    await writeFile(new URL(`../workflows/__fixtures__/${label}-${file}`, import.meta.url), stdout);
  };
  await save(first.workflowId, 'conversation-history.json');
  await save(turnWorkflowId(first.conversationId, 1), 'turn-answered-history.json');
  await save(turnWorkflowId(first.conversationId, 2), 'turn-escalated-history.json');
  await save(turnWorkflowId(first.conversationId, 3), 'turn-out-of-scope-history.json');
  await save(second.workflowId, 'conversation-with-provider-history.json');
  await save(turnWorkflowId(second.conversationId, 1), 'turn-llm-routed-history.json');
  await save(turnWorkflowId(second.conversationId, 2), 'turn-model-refused-history.json');
  console.log(`saved 7 histories to workflows/__fixtures__/${label}-*`);
} finally {
  await withProvider.close();
  await offline.close();
  await llm.close();
  await devServer.stop();
}
