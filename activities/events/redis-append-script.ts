/**
 * The one Lua script behind `RedisEventLog.append`: dedupe check, `seq` assignment, `XADD`, dedupe marker and
 * expiry happen atomically on the server, so concurrent appenders on any number of connections or processes
 * get unique, gap-free sequence numbers and a dedupe key is stored once.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * KEYS[1] sequence counter, KEYS[2] stream, KEYS[3] dedupe marker (optional: the call passes 2 or 3 keys).
 * ARGV[1] event JSON, ARGV[2] retention in seconds, ARGV[3] approximate maximum stream length.
 * All keys share the `{conversationId}` hash tag, so the script is also valid on Redis Cluster.
 */
export const APPEND_EVENT_SCRIPT = `
local dedupeKey = KEYS[3]
if dedupeKey then
  local stored = redis.call('GET', dedupeKey)
  if stored then return tonumber(stored) end
end
local seq = redis.call('INCR', KEYS[1])
if seq == 1 then
  -- The counter is gone (evicted or deleted) but the stream may survive: continue after its last entry.
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if #last > 0 then
    seq = tonumber(string.match(last[1][1], '^(%d+)-')) + 1
    redis.call('SET', KEYS[1], seq)
  end
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], string.format('%d-0', seq), 'event', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if dedupeKey then
  redis.call('SET', dedupeKey, seq, 'EX', ARGV[2])
end
return seq
`;

const APPEND_EVENT_SCRIPT_SHA = createHash('sha1').update(APPEND_EVENT_SCRIPT).digest('hex');

export interface AppendScriptInput {
  sequenceKey: string;
  streamKey: string;
  dedupeKey: string | undefined;
  eventJson: string;
  retentionSeconds: number;
  maxStreamLength: number;
}

/** Runs the append script (EVALSHA, falling back to EVAL once the server's script cache lacks it); returns `seq`. */
export async function runAppendScript(client: Redis, input: AppendScriptInput): Promise<number> {
  const keys = input.dedupeKey === undefined ? [input.sequenceKey, input.streamKey] : [input.sequenceKey, input.streamKey, input.dedupeKey];
  const parameters = [input.eventJson, input.retentionSeconds, input.maxStreamLength];
  let reply: unknown;
  try {
    reply = await client.evalsha(APPEND_EVENT_SCRIPT_SHA, keys.length, ...keys, ...parameters);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    reply = await client.eval(APPEND_EVENT_SCRIPT, keys.length, ...keys, ...parameters);
  }
  if (typeof reply !== 'number' || !Number.isSafeInteger(reply) || reply < 1) {
    throw new Error(`Append script returned an unexpected reply: ${JSON.stringify(reply)}`);
  }
  return reply;
}
