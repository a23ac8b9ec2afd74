/** Real dependencies for activity tests: an in-memory PGlite store (migrated) and the in-process event log. */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../domain/logger.js';
import type { ConversationEvent } from '../../../domain/types.js';
import type { ActivityDependencies } from '../../dependencies.js';
import { MemoryEventLog } from '../../events/memory-event-log.js';
import type { ChatModel } from '../../llm/chat-model.js';
import { createStore, type KyselyStore } from '../../persistence/kysely-store.js';

export interface ActivityHarness {
  dependencies(chatModel: ChatModel): ActivityDependencies;
  /** A fresh conversation with its turn row (stage timings need it). */
  newTurn(): Promise<{ conversationId: string; turnId: string }>;
  events(conversationId: string): Promise<ConversationEvent[]>;
  close(): Promise<void>;
}

export async function startActivityHarness(): Promise<ActivityHarness> {
  const logger = createLogger({ level: 'silent' });
  const store: KyselyStore = createStore({ logger });
  await store.migrate();
  const eventLog = new MemoryEventLog({ logger });
  return {
    dependencies: (chatModel): ActivityDependencies => ({
      store,
      eventLog,
      logger,
      chatModel,
      settings: { qaMinConfidence: 0.2, reviewTimeoutMs: 1000, modelCallsAsLocalActivities: false },
    }),
    async newTurn() {
      const conversationId = `conversation-${randomUUID()}`;
      const turnId = `${conversationId}.1`;
      await store.ensureConversation({ id: conversationId, tenantId: 'tenant-a', customerId: null });
      await store.startTurn({ id: turnId, conversationId, turnNumber: 1, workflowId: `${conversationId}-turn-1` });
      return { conversationId, turnId };
    },
    events: (conversationId) => eventLog.read(conversationId, 0),
    async close() {
      await eventLog.close();
      await store.close();
    },
  };
}
