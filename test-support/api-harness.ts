/**
 * The API on an ephemeral port in front of a real test worker (`startTestPipeline`), and a small JSON client
 * for it: what the API integration tests share.
 */
import { startApiServer, type RunningApiServer, type StartApiServerOptions } from '../api/server.js';
import { startTestPipeline, testLogger, type TestPipeline, type TestPipelineOptions } from './pipeline.js';

export type JsonBody = Record<string, unknown> & { error?: { code: string; message: string } };

export interface ApiHarness {
  pipeline: TestPipeline;
  api: RunningApiServer;
  baseUrl: string;
  /** Sends JSON (when `body` is given) and parses the JSON answer. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonBody }>;
  close(): Promise<void>;
}

export async function startApiHarness(
  options: { pipeline?: TestPipelineOptions; api?: Partial<Omit<StartApiServerOptions, 'temporal' | 'store' | 'eventLog' | 'port'>> } = {},
): Promise<ApiHarness> {
  const pipeline = await startTestPipeline(options.pipeline);
  const api = await startApiServer({
    temporal: pipeline.client,
    store: pipeline.store,
    eventLog: pipeline.eventLog,
    configuration: { temporal: { taskQueue: pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000 },
    logger: testLogger,
    ...options.api,
    port: 0,
  });
  const baseUrl = `http://127.0.0.1:${api.port}`;
  return {
    pipeline,
    api,
    baseUrl,
    async call(method, path, body) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as JsonBody };
    },
    async close() {
      await api.close();
      await pipeline.close();
    },
  };
}
