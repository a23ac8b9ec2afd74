import { describe, expect, it } from 'vitest';
import { createEventLog } from './create-event-log.js';
import { silentLogger, TEST_REDIS_URL } from './event-log-test-helpers.js';
import { MemoryEventLog } from './memory-event-log.js';
import { RedisEventLog } from './redis-event-log.js';

describe('createEventLog', () => {
  it('uses the in-process log without a Redis URL', async () => {
    for (const redisUrl of [undefined, '', '   ']) {
      const log = createEventLog({ redisUrl, logger: silentLogger });
      expect(log).toBeInstanceOf(MemoryEventLog);
      await log.close();
    }
  });

  it('uses Redis Streams with a Redis URL', async () => {
    const log = createEventLog({ redisUrl: TEST_REDIS_URL, logger: silentLogger });
    try {
      expect(log).toBeInstanceOf(RedisEventLog);
      await log.ping();
    } finally {
      await log.close();
    }
  });
});
