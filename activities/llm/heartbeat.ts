import { Context } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating every `intervalMs`, so Temporal notices a dead worker within the
 * activity's heartbeat timeout instead of its (much longer) start-to-close timeout. In a local activity
 * (which cannot heartbeat) or outside an activity context (unit tests) it just runs `work`.
 */
export async function withHeartbeat<T>(work: (abortSignal: AbortSignal | undefined) => Promise<T>, intervalMs = 1000): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    context = undefined;
  }
  if (context === undefined) return work(undefined);
  // Local activities have no heartbeats (the worker's core refuses them with a warning); keep cancellation.
  if (context.info.isLocal) return work(context.cancellationSignal);
  const active = context;
  active.heartbeat();
  const timer = setInterval(() => active.heartbeat(), intervalMs);
  try {
    return await work(active.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
