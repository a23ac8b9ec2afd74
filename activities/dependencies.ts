import type { Logger } from '../domain/logger.js';
import type { EventLog } from './events/event-log.js';
import type { ChatModel } from './llm/chat-model.js';
import type { Store } from './persistence/store.js';

/** Turn-pipeline settings read from configuration by the worker. */
export interface PipelineSettings {
  /** Answers with citations below this confidence are escalated to a human. */
  qaMinConfidence: number;
  /** How long an escalated turn waits for a reviewer before its fallback policy applies. */
  reviewTimeoutMs: number;
  /**
   * Run model calls as local activities (no server round trip) instead of regular, heartbeating
   * activities. Right for a fast in-process model (the offline model at zero latency); wrong for remote
   * providers, whose calls are long and must survive a worker crash mid-call.
   */
  modelCallsAsLocalActivities: boolean;
}

/** Clients the worker injects into `createActivities`. */
export interface ActivityDependencies {
  store: Store;
  eventLog: EventLog;
  chatModel: ChatModel;
  logger: Logger;
  settings: PipelineSettings;
}
