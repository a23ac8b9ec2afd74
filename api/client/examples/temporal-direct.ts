/**
 * Example: start a conversation with the Temporal client directly, as the API does — no HTTP in between.
 * Update-with-start of `conversationWorkflow` (id `conversation-<conversationId>`, task queue `agentcraft`
 * unless configured otherwise) with the `sendMessage` update; the update returns the turn's ids at once, and
 * the turn runs as the child workflow `turnWorkflow` whose result is the answer.
 *
 *   TEMPORAL_ADDRESS=localhost:7233 TEMPORAL_TASK_QUEUE=agentcraft npx tsx api/client/examples/temporal-direct.ts
 *
 * With payload encryption on (`AGENTCRAFT_CODEC_KEYS`), give the client the same data converter as the
 * worker (see `domain/payload-codec.ts`), or the workflow cannot read the input.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { conversationWorkflowId } from '../../../domain/constants.js';
import { initialConversationSearchAttributes } from '../../../domain/search-attributes.js';
import type { TurnResult } from '../../../domain/types.js';
import { sendMessage, type ConversationInput, type SendMessageResult } from '../../../workflows/messages.js';
import { runIfMain } from './run-main.js';

export interface TemporalDirectOptions {
  client: Client;
  taskQueue: string;
  message: string;
  tenantId?: string;
  customerId?: string | null;
}

export interface TemporalDirectResult {
  conversationId: string;
  accepted: SendMessageResult;
  result: TurnResult;
}

/** The turn's result; its child workflow starts once earlier turns are done, so "not found yet" is retried. */
async function turnResult(client: Client, turnWorkflowId: string): Promise<TurnResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.workflow.getHandle(turnWorkflowId).result()) as TurnResult;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError) || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startConversationWithTemporal(options: TemporalDirectOptions): Promise<TemporalDirectResult> {
  const conversationId = randomUUID();
  const input: ConversationInput = { conversationId, tenantId: options.tenantId ?? 'default', customerId: options.customerId ?? null };
  const startWorkflowOperation = new WithStartWorkflowOperation('conversationWorkflow', {
    workflowId: conversationWorkflowId(conversationId),
    taskQueue: options.taskQueue,
    args: [input],
    typedSearchAttributes: initialConversationSearchAttributes(input),
    // An existing conversation with this id just receives the message.
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const accepted = await options.client.workflow.executeUpdateWithStart(sendMessage, {
    args: [{ message: options.message, metadata: { channel: 'temporal-direct-example' } }],
    // Reusing the update id makes a retried call apply once.
    updateId: `example-${conversationId}-1`,
    startWorkflowOperation,
  });
  return { conversationId, accepted, result: await turnResult(options.client, accepted.turnWorkflowId) };
}

runIfMain(import.meta.url, async () => {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  try {
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    return await startConversationWithTemporal({ client, taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'agentcraft', message: process.argv[2] ?? 'How do I reset my password?' });
  } finally {
    await connection.close();
  }
});
