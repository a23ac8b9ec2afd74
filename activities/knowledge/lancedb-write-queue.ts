/**
 * Per-table write queues of this process. LanceDB commits are optimistic: a merge racing another merge on the
 * same table could insert a row twice, so every write to one table (from any store of this process) waits for
 * the ones before it. Writes to different tables (other tenants) run concurrently.
 */

/** Per table path: the tail of its write queue (shared by every store of this process). */
const writeQueues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier write to the same table of this process has settled. */
export function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const result = (writeQueues.get(key) ?? Promise.resolve()).then(work);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  writeQueues.set(key, tail);
  void tail.then(() => {
    if (writeQueues.get(key) === tail) writeQueues.delete(key);
  });
  return result;
}
