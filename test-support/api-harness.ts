/**
 * The API on an ephemeral port in front of a real test worker (`startTestPipeline`), and a small JSON client
 * for it: what the API integration tests share.
 */
import type { ApiConfiguration } from '../api/app.js';
import { startApiServer, type RunningApiServer, type StartApiServerOptions } from '../api/server.js';
import { startTestPipeline, testLogger, type TestPipeline, type TestPipelineOptions } from './pipeline.js';

export type JsonBody = Record<string, unknown> & { error?: { code: string; message: string } };

export interface ApiHarness {
  pipeline: TestPipeline;
  api: RunningApiServer;
  baseUrl: string;
  /**
   * Sends JSON (when `body` is given) and parses the JSON answer. Without `credential` the request is
   * anonymous: the development principal in development mode (the default), 401 in `jwt` mode.
   */
  call(method: string, path: string, body?: unknown, credential?: string): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  close(): Promise<void>;
}

export async function startApiHarness(
  options: {
    pipeline?: TestPipelineOptions;
    api?: Partial<Omit<StartApiServerOptions, 'temporal' | 'store' | 'eventLog' | 'port'>>;
    /** Merged into the API configuration (auth mode and keys, rate limits…); default: development mode. */
    configuration?: Partial<ApiConfiguration>;
  } = {},
): Promise<ApiHarness> {
  const pipeline = await startTestPipeline(options.pipeline);
  const api = await startApiServer({
    temporal: pipeline.client,
    store: pipeline.store,
    eventLog: pipeline.eventLog,
    configuration: { temporal: { taskQueue: pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000, ...options.configuration },
    logger: testLogger,
    ...options.api,
    port: 0,
  });
  const baseUrl = `http://127.0.0.1:${api.port}`;
  return {
    pipeline,
    api,
    baseUrl,
    async call(method, path, body, credential) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(credential === undefined ? {} : { authorization: `Bearer ${credential}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as JsonBody, headers: response.headers };
    },
    async close() {
      await api.close();
      await pipeline.close();
    },
  };
}
