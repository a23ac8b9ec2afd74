import type { Logger } from '../../domain/logger.js';
import type { EventLog } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';
import { RedisEventLog } from './redis-event-log.js';

export interface CreateEventLogOptions {
  /** `REDIS_URL`; when absent or blank the in-process log is used (embedded mode). */
  redisUrl?: string | undefined;
  logger: Logger;
}

/**
 * Picks the event log for the current mode: Redis Streams when a Redis URL is configured (API and workers
 * may run in different processes), otherwise the in-process log (API and worker share one process).
 */
export function createEventLog(options: CreateEventLogOptions): EventLog {
  const redisUrl = options.redisUrl?.trim();
  if (redisUrl) {
    options.logger.info({ eventLog: 'redis' }, 'event log: Redis Streams');
    return new RedisEventLog({ redisUrl, logger: options.logger });
  }
  options.logger.info({ eventLog: 'memory' }, 'event log: in-process');
  return new MemoryEventLog({ logger: options.logger });
}
