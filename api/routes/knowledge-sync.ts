/**
 * The API's side of knowledge-source syncs on Temporal: start one (409 when one runs), hand an upload to the
 * running sync or start one (signal-with-start), read a running sync's progress, stop a sync, and the
 * source view (with `stale` and the live progress).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { KnowledgeSourceRecord } from '../../activities/knowledge/sources/knowledge-source-store.js';
import { knowledgeSourceWorkflowId } from '../../domain/constants.js';
import type { IngestionProgress, KnowledgeSourceView } from '../../domain/knowledge.js';
import { getIngestionProgress, uploadAdded, type IngestSourceInput } from '../../workflows/messages.js';
import { ApiError, ErrorCode } from '../errors.js';

/** How long a source view waits for a running sync's progress before showing none. */
const PROGRESS_TIMEOUT_MS = 2000;

export interface SyncClient {
  temporal: Client;
  taskQueue: string;
  rpcTimeoutMs: number;
}

/** How long "sync now" waits for a sync that has recorded its end to close, before answering 409. */
export const CLOSING_SYNC_WAIT_MS = 10_000;

/**
 * Starts a sync of the source; 409 `sync_running` when one runs already. A sync that has recorded its end on
 * the source (so the source reads idle or failed) still runs for a moment until its workflow closes: that one
 * is waited for and the new sync starts after it, rather than answering 409 for a source that shows no sync.
 * `readSource` reads the source's current record.
 */
export async function startSourceSync(client: SyncClient, input: IngestSourceInput, readSource: () => Promise<KnowledgeSourceRecord | null>): Promise<string> {
  const workflowId = knowledgeSourceWorkflowId(input.sourceId);
  const start = () =>
    client.temporal.connection.withDeadline(Date.now() + client.rpcTimeoutMs, () =>
      client.temporal.workflow.start('ingestSourceWorkflow', { taskQueue: client.taskQueue, workflowId, args: [input], workflowIdReusePolicy: 'ALLOW_DUPLICATE' }),
    );
  try {
    await start();
    return workflowId;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    if (!(await waitForClosingSync(client, workflowId, readSource))) throw syncRunning(input.sourceId, error);
  }
  try {
    await start();
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw syncRunning(input.sourceId, error);
    throw error;
  }
  return workflowId;
}

function syncRunning(sourceId: string, cause: unknown): ApiError {
  return new ApiError(409, ErrorCode.syncRunning, `A sync of knowledge source ${sourceId} is running already`, { cause });
}

/**
 * True once the running sync closed, when it is one that has finished its work: the source records it (by its
 * first run id) as the current sync and no longer reads `syncing`. False for a sync still at work.
 */
async function waitForClosingSync(client: SyncClient, workflowId: string, readSource: () => Promise<KnowledgeSourceRecord | null>): Promise<boolean> {
  const handle = client.temporal.workflow.getHandle(workflowId);
  try {
    const description = await client.temporal.connection.withDeadline(Date.now() + client.rpcTimeoutMs, () => handle.describe());
    if (description.status.name !== 'RUNNING') return true;
    const source = await readSource();
    const firstRunId = description.raw.workflowExecutionInfo?.firstRunId || description.runId;
    if (source === null || source.status === 'syncing' || source.syncId !== firstRunId) return false;
    await client.temporal.connection.withDeadline(Date.now() + CLOSING_SYNC_WAIT_MS, () => handle.result());
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return true;
    // A closing sync that failed is closed as well; a deadline passed means it is still running.
    if (error instanceof WorkflowFailedError) return true;
    return false;
  }
}

/** Tells the running sync of an upload source about a new upload, or starts one that will ingest it. */
export async function signalUploadSync(client: SyncClient, input: { tenantId: string; sourceId: string; uploadId: string }): Promise<string> {
  const workflowId = knowledgeSourceWorkflowId(input.sourceId);
  const args: [IngestSourceInput] = [{ tenantId: input.tenantId, sourceId: input.sourceId, reason: 'upload' }];
  await client.temporal.connection.withDeadline(Date.now() + client.rpcTimeoutMs, () =>
    client.temporal.workflow.signalWithStart('ingestSourceWorkflow', { taskQueue: client.taskQueue, workflowId, args, signal: uploadAdded, signalArgs: [{ uploadId: input.uploadId }], workflowIdReusePolicy: 'ALLOW_DUPLICATE' }),
  );
  return workflowId;
}

/** Terminates the source's running sync, if any (the source is being deleted). */
export async function stopSourceSync(client: SyncClient, sourceId: string): Promise<void> {
  try {
    await client.temporal.connection.withDeadline(Date.now() + client.rpcTimeoutMs, () => client.temporal.workflow.getHandle(knowledgeSourceWorkflowId(sourceId)).terminate('knowledge source deleted'));
  } catch (error) {
    // Not running (finished, or never started) is what we want.
    if (error instanceof WorkflowNotFoundError) return;
    if ((error as { name?: string }).name === 'WorkflowNotFoundError') return;
    throw error;
  }
}

async function progressOf(client: SyncClient, sourceId: string): Promise<IngestionProgress | null> {
  try {
    return await client.temporal.connection.withDeadline(Date.now() + Math.min(PROGRESS_TIMEOUT_MS, client.rpcTimeoutMs), () =>
      client.temporal.workflow.getHandle(knowledgeSourceWorkflowId(sourceId)).query(getIngestionProgress),
    );
  } catch {
    // No worker to answer, or the sync just ended: the view shows the stored status.
    return null;
  }
}

/** Not synced within twice its interval (or never synced): answers from it may be out of date. Uploads never go stale. */
export function isStale(source: KnowledgeSourceRecord, now = Date.now()): boolean {
  if (source.kind === 'upload') return false;
  if (source.lastSyncedAt === null) return true;
  return source.syncIntervalSeconds > 0 && now - Date.parse(source.lastSyncedAt) > 2 * source.syncIntervalSeconds * 1000;
}

/** The public view of a source, with the running sync's progress when one runs. */
export async function sourceView(client: SyncClient, source: KnowledgeSourceRecord): Promise<KnowledgeSourceView> {
  return {
    id: source.id,
    tenantId: source.tenantId,
    kind: source.kind,
    name: source.name,
    settings: source.settings,
    scopes: source.scopes,
    syncIntervalSeconds: source.syncIntervalSeconds,
    status: source.status,
    lastSyncStartedAt: source.lastSyncStartedAt,
    lastSyncedAt: source.lastSyncedAt,
    lastError: source.lastError,
    documentCount: source.documentCount,
    chunkCount: source.chunkCount,
    stale: isStale(source),
    progress: source.status === 'syncing' ? await progressOf(client, source.id) : null,
    createdAt: source.createdAt,
  };
}
