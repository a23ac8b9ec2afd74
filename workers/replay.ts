/** Replays workflow histories against the current workflow code (nondeterminism shows up as errors). */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import type { Logger } from '../domain/logger.js';
import { workflowBundle } from './create-worker.js';

export interface ReplayOutcome {
  workflowId: string;
  error: string | null;
}

type History = Parameters<typeof Worker.runReplayHistory>[1];

/** Parses a history exported by the Web UI, `temporal workflow show --output json` or `fetchHistory`. */
export function parseHistory(json: unknown): History {
  return historyFromJSON(json);
}

/** Replays one history; returns the failure message instead of throwing. `dataConverter`: the payload codec of encrypted histories. */
export async function replayHistory(history: History, workflowId: string, logger?: Logger, dataConverter?: DataConverter): Promise<ReplayOutcome> {
  const options: ReplayWorkerOptions = { workflowBundle: await workflowBundle(logger), ...(dataConverter === undefined ? {} : { dataConverter }) };
  try {
    await Worker.runReplayHistory(options, history, workflowId);
    return { workflowId, error: null };
  } catch (error) {
    return { workflowId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Fetches a run's history from the server and replays it. */
export async function replayFromServer(client: Client, workflowId: string, runId?: string, logger?: Logger, dataConverter?: DataConverter): Promise<ReplayOutcome> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return replayHistory(history, workflowId, logger, dataConverter);
}
