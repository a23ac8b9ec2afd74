/**
 * Dynamic config values the embedded dev server starts with (`--dynamic-config-value KEY=JSON`).
 * The self-hosted equivalent, with production-minded values, is `dynamic-config.yaml` beside this file.
 * Every key is checked against the pinned server binary by `dynamic-config.test.ts`, because the
 * server ignores keys it does not know.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number | string>> = {
  // The API's `sendMessage` is a workflow update; with update-with-start it creates the conversation.
  // Both are on by default in recent servers; stated so an older pinned server cannot silently differ.
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  // Lets a client hand the first workflow task straight to a local worker (saves a round trip).
  'system.enableEagerWorkflowStart': true,
  // One partition per task queue: on a single-node server, four partitions only add forwarding hops
  // between a worker's pollers and the partition a task landed on, which shows up as turn latency.
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  // The history service reads its task queues (transfer: "schedule this workflow task / activity";
  // timer; visibility) at most 20 times a second per shard by default. A single-node dev server has one
  // shard, so once the burst allowance is spent every workflow task waits ~50 ms to reach a worker:
  // measured 2 x 45-50 ms of schedule-to-start on a turn's critical path, turn latency ~200 ms -> ~90 ms.
  'history.transferProcessorMaxPollRPS': 10_000,
  'history.timerProcessorMaxPollRPS': 10_000,
  'history.visibilityProcessorMaxPollRPS': 10_000,
  // Search attributes added at run time (`registerSearchAttributes`) are usable at once, not after
  // the cache refresh interval. A cheap SQLite read on a dev server; leave it off on a real cluster.
  'system.forceSearchAttributesCacheRefreshOnRead': true,
};

/** `--dynamic-config-value` flags for `temporal server start-dev` (values JSON-encoded, as the CLI wants). */
export function dynamicConfigArguments(values: Readonly<Record<string, unknown>> = DEV_SERVER_DYNAMIC_CONFIG): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}
